package mail_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// parsed is a message read back with net/mail and mime/multipart only.
type parsed struct {
	Header  mail.Header
	Subject string   // decoded
	Types   []string // every entity's media type, depth first
	Leaves  []leaf   // the non-multipart entities, depth first
}

// leaf is a body part, decoded from its transfer encoding.
type leaf struct {
	Type   string
	Params map[string]string
	Header textproto.MIMEHeader
	Body   []byte
}

// parseMessage reads raw as a mail client would, failing the test on
// anything it cannot read: bare CR or LF line endings, a header that does
// not parse, a part whose transfer encoding does not decode.
func parseMessage(t testing.TB, raw []byte) parsed {
	t.Helper()
	requireCRLF(t, raw)
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	require.NoError(t, err, "net/mail reads the message")
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	require.NoError(t, err, "the Subject decodes")
	p := parsed{Header: m.Header, Subject: subject}
	walk(t, &p, textproto.MIMEHeader(m.Header), m.Body)
	return p
}

func walk(t testing.TB, p *parsed, h textproto.MIMEHeader, body io.Reader) {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	require.NoError(t, err, "Content-Type %q parses", h.Get("Content-Type"))
	p.Types = append(p.Types, mediaType)
	if strings.HasPrefix(mediaType, "multipart/") {
		require.NotEmpty(t, params["boundary"], "%s has a boundary", mediaType)
		r := multipart.NewReader(body, params["boundary"])
		for {
			part, err := r.NextRawPart()
			if err == io.EOF {
				return
			}
			require.NoError(t, err, "next part of %s", mediaType)
			walk(t, p, part.Header, part)
		}
	}
	var dec io.Reader
	switch cte := strings.ToLower(h.Get("Content-Transfer-Encoding")); cte {
	case "quoted-printable":
		dec = quotedprintable.NewReader(body)
	case "base64":
		dec = base64.NewDecoder(base64.StdEncoding, body)
	case "", "7bit":
		dec = body
	default:
		t.Fatalf("unexpected Content-Transfer-Encoding %q", cte)
	}
	b, err := io.ReadAll(dec)
	require.NoError(t, err, "%s decodes from %s", mediaType, h.Get("Content-Transfer-Encoding"))
	p.Leaves = append(p.Leaves, leaf{Type: mediaType, Params: params, Header: h, Body: b})
}

// requireCRLF fails unless every line of raw ends in CRLF.
func requireCRLF(t testing.TB, raw []byte) {
	t.Helper()
	require.True(t, bytes.HasSuffix(raw, []byte("\r\n")), "the message ends with CRLF")
	for i, c := range raw {
		switch c {
		case '\n':
			require.True(t, i > 0 && raw[i-1] == '\r', "bare LF at octet %d", i)
		case '\r':
			require.True(t, i+1 < len(raw) && raw[i+1] == '\n', "bare CR at octet %d", i)
		}
	}
}

// headerLines returns the lines of raw's top-level header, CRLF removed.
func headerLines(raw []byte) []string {
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	return strings.Split(head, "\r\n")
}

// crlf turns LF line endings into CRLF, the canonical form of text parts.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// decode returns the header field name with its encoded-words decoded.
func (p parsed) decode(name string) (string, error) {
	return new(mime.WordDecoder).DecodeHeader(p.Header.Get(name))
}
