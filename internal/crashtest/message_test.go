package crashtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	stdmail "net/mail"
	"net/textproto"
	"slices"
	"strings"
)

// resent returns what a receiver sees of the message raw, less what a
// resend of the same delivery may change: the Date header, and the
// DTSTAMP of the calendar part, both the time of writing. Two copies of
// one message, as a crash between the server's reply and the record makes,
// have the same resent text.
func resent(raw []byte) (string, error) {
	msg, err := stdmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	names := make([]string, 0, len(msg.Header))
	for name := range msg.Header {
		if name != "Date" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(&b, "%s: %s\n", name, strings.Join(msg.Header[name], "\n\t"))
	}
	if err := writePart(&b, textproto.MIMEHeader(msg.Header), msg.Body); err != nil {
		return "", err
	}
	return b.String(), nil
}

// writePart writes the decoded body of a part, and of each part inside it,
// to b.
func writePart(b *strings.Builder, h textproto.MIMEHeader, body io.Reader) error {
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return err
	}
	fmt.Fprintf(b, "--- %s %s\n", h.Get("Content-Type"), h.Get("Content-Disposition"))
	if strings.HasPrefix(mediaType, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := writePart(b, p.Header, p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	calendar := bytes.HasPrefix(data, []byte("BEGIN:VCALENDAR")) // the text/calendar part
	for line := range strings.Lines(string(data)) {
		if calendar && strings.HasPrefix(line, "DTSTAMP:") {
			continue
		}
		b.WriteString(line)
	}
	b.WriteString("\n")
	return nil
}
