package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parsedMessage is a message as Go's net/mail and mime/multipart read it.
type parsedMessage struct {
	Header mail.Header
	// Subject is the decoded Subject.
	Subject string
	// From, To and ReplyTo are the parsed addresses.
	From, To, ReplyTo []*mail.Address
	// Parts are the MIME parts depth first, the message itself the first;
	// leaves hold their decoded bodies.
	Parts []parsedPart
}

// parsedPart is one MIME part.
type parsedPart struct {
	Type   string
	Params map[string]string
	Header textproto.MIMEHeader
	Body   string
}

var messageIDSyntax = regexp.MustCompile(`^<[^<>@\s]+@[^<>@\s]+>$`)

// parseMessage reads raw strictly: CRLF line endings and lines of at most
// 998 octets (RFC 5322 2.1.1), a Date, addresses that parse, a decodable
// Subject, a Message-ID, MIME-Version 1.0, and every part's media type,
// transfer encoding and UTF-8 text.
func parseMessage(raw []byte) (*parsedMessage, error) {
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if bytes.ContainsAny(line, "\r\n") {
			return nil, fmt.Errorf("line %d holds a bare CR or LF", i+1)
		}
		if len(line) > 998 {
			return nil, fmt.Errorf("line %d is %d octets long", i+1, len(line))
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	p := &parsedMessage{Header: msg.Header}
	if _, err := msg.Header.Date(); err != nil {
		return nil, fmt.Errorf("date: %w", err)
	}
	if p.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return nil, fmt.Errorf("subject: %w", err)
	}
	for name, dst := range map[string]*[]*mail.Address{"From": &p.From, "To": &p.To, "Reply-To": &p.ReplyTo} {
		if msg.Header.Get(name) == "" {
			continue
		}
		if *dst, err = msg.Header.AddressList(name); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if len(p.From) != 1 || len(p.To) == 0 {
		return nil, fmt.Errorf("want one From and a To, have %d and %d", len(p.From), len(p.To))
	}
	if id := msg.Header.Get("Message-Id"); !messageIDSyntax.MatchString(id) {
		return nil, fmt.Errorf("message-id %q is not <left@right>", id)
	}
	if v := msg.Header.Get("Mime-Version"); v != "1.0" {
		return nil, fmt.Errorf("mime-version is %q", v)
	}
	top := textproto.MIMEHeader{}
	for _, name := range []string{"Content-Type", "Content-Transfer-Encoding"} {
		if v, ok := msg.Header[name]; ok {
			top[name] = v
		}
	}
	if err := p.walk(top, msg.Body); err != nil {
		return nil, err
	}
	return p, nil
}

// walk adds the part with header h and the given body, and its parts.
func (p *parsedMessage) walk(h textproto.MIMEHeader, body io.Reader) error {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return fmt.Errorf("part %d: content-type %q: %w", len(p.Parts), h.Get("Content-Type"), err)
	}
	part := parsedPart{Type: mt, Params: params, Header: h}
	if strings.HasPrefix(mt, "multipart/") {
		p.Parts = append(p.Parts, part)
		mr := multipart.NewReader(body, params["boundary"])
		for {
			next, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("part %d (%s): %w", len(p.Parts)-1, mt, err)
			}
			if err := p.walk(next.Header, next); err != nil {
				return err
			}
		}
	}
	data, err := decodeBody(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return fmt.Errorf("part %d (%s): %w", len(p.Parts), mt, err)
	}
	if strings.HasPrefix(mt, "text/") && !utf8.Valid(data) {
		return fmt.Errorf("part %d (%s) is not UTF-8", len(p.Parts), mt)
	}
	part.Body = string(data)
	p.Parts = append(p.Parts, part)
	return nil
}

func decodeBody(encoding string, r io.Reader) ([]byte, error) {
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	case "", "7bit", "8bit":
	default:
		return nil, fmt.Errorf("unknown transfer encoding %q", encoding)
	}
	return io.ReadAll(r)
}

// part returns the first part of the media type, or nil.
func (p *parsedMessage) part(mediaType string) *parsedPart {
	for i := range p.Parts {
		if p.Parts[i].Type == mediaType {
			return &p.Parts[i]
		}
	}
	return nil
}

// withoutClockReadings returns p without what only the clock changes
// between a preview and a send: the Date header and the DTSTAMP of the
// calendar parts.
func (p *parsedMessage) withoutClockReadings() *parsedMessage {
	q := *p
	q.Header = mail.Header{}
	for k, v := range p.Header {
		if k != "Date" {
			q.Header[k] = v
		}
	}
	q.Parts = append([]parsedPart(nil), p.Parts...)
	for i, part := range q.Parts {
		if part.Type == "text/calendar" || part.Type == "application/ics" {
			q.Parts[i].Body = dtstampLine.ReplaceAllString(part.Body, "")
		}
	}
	return &q
}

// dtstampLine matches a DTSTAMP content line with its folded continuations.
var dtstampLine = regexp.MustCompile(`(?m)^DTSTAMP:[^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*`)

// debianPython is Debian's interpreter, the one CI checks messages with.
const debianPython = "/usr/bin/python3"

// pythonReport is what mail/testdata/check_email.py prints for a message.
type pythonReport struct {
	File          string     `json:"file"`
	Defects       []string   `json:"defects"`
	Subject       string     `json:"subject"`
	From          [][]string `json:"from"`
	To            [][]string `json:"to"`
	ReplyTo       [][]string `json:"reply_to"`
	ContentTypes  []string   `json:"content_types"`
	Methods       []string   `json:"methods"`
	HeaderMaxLine int        `json:"header_max_line"`
	MaxLine       int        `json:"max_line"`
}

// pythonMissing says why Python's email package cannot be asked, or "".
// In CI (CI=true) a missing interpreter is a failure, not a reason.
func pythonMissing(t testing.TB) string {
	if _, err := os.Stat(debianPython); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing; CI needs Debian's python3 (apt-get install python3) to check messages", debianPython)
		}
		return debianPython + " is missing: install Debian's python3 to check messages with Python's email package"
	}
	return ""
}

// pythonReports reads each message with Python's email package under
// email.policy.default, with the mail package's checker, in as many
// processes at once as there are CPUs.
func pythonReports(t testing.TB, raws [][]byte) []pythonReport {
	t.Helper()
	dir := t.TempDir()
	files := make([]string, len(raws))
	for i, raw := range raws {
		files[i] = filepath.Join(dir, fmt.Sprintf("%04d.eml", i))
		require.NoError(t, os.WriteFile(files[i], raw, 0o644))
	}
	chunk := max(1, (len(files)+runtime.NumCPU()-1)/runtime.NumCPU())
	batches := slices.Collect(slices.Chunk(files, chunk))
	outs := make([][]byte, len(batches))
	errs := make([]error, len(batches))
	var wg sync.WaitGroup
	for i, batch := range batches {
		wg.Go(func() { outs[i], errs[i] = checkEmail(batch) })
	}
	wg.Wait()
	var reports []pythonReport
	for i, out := range outs {
		require.NoError(t, errs[i])
		var batch []pythonReport
		require.NoError(t, json.Unmarshal(out, &batch), "check_email.py prints JSON:\n%s", out)
		reports = append(reports, batch...)
	}
	require.Len(t, reports, len(raws))
	return reports
}

// checkEmail runs mail/testdata/check_email.py on files.
func checkEmail(files []string) ([]byte, error) {
	script := filepath.Join("..", "..", "mail", "testdata", "check_email.py")
	out, err := exec.Command(debianPython, append([]string{script}, files...)...).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return nil, fmt.Errorf("check_email.py failed: %w\n%s", err, exit.Stderr)
	}
	return out, err
}

// checkMessages checks that every message parses cleanly with Go's
// net/mail and mime/multipart and, where Debian's python3 is installed,
// with Python's email package: no defect, the same subject and sender.
func checkMessages(t testing.TB, msgs []received) {
	t.Helper()
	if len(msgs) == 0 {
		return
	}
	raws := make([][]byte, len(msgs))
	parsed := make([]*parsedMessage, len(msgs))
	for i, m := range msgs {
		raws[i] = m.Data
		p, err := parseMessage(m.Data)
		if !assert.NoError(t, err, "message %d does not parse with net/mail and mime/multipart:\n%s", i, m.Data) {
			continue
		}
		parsed[i] = p
	}
	if why := pythonMissing(t); why != "" {
		t.Log(why)
		return
	}
	for i, r := range pythonReports(t, raws) {
		assert.Empty(t, r.Defects, "message %d: Python's email package finds defects", i)
		assert.LessOrEqual(t, r.HeaderMaxLine, 78, "message %d: longest header line (RFC 5322 2.1.1 SHOULD)", i)
		assert.LessOrEqual(t, r.MaxLine, 998, "message %d: longest line", i)
		if p := parsed[i]; p != nil {
			assert.Equal(t, p.Subject, r.Subject, "message %d: Go and Python read the same subject", i)
			assert.Equal(t, [][]string{{p.From[0].Name, p.From[0].Address}}, r.From, "message %d: From", i)
		}
	}
}
