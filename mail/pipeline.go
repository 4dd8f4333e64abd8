package mail

import (
	"bytes"
	"errors"
	"net/smtp"
	"net/textproto"

	"github.com/seminarkit/seminar"
)

// maxPipelined is the most recipients whose RCPT TO go in one write. The
// replies to that many commands fit in the sockets' buffers, so that a
// server answering while the client still writes cannot block both; it is
// also the least a server must accept (RFC 5321 4.5.3.1.8). A message to
// more goes one command at a time.
const maxPipelined = 100

// pipelines reports whether the transaction of env goes as one group of
// commands: the server offers PIPELINING (RFC 2920).
func pipelines(c *smtp.Client, env seminar.Envelope) bool {
	ok, _ := c.Extension("PIPELINING")
	return ok && len(env.To) <= maxPipelined
}

// pipeline sends MAIL FROM, every RCPT TO and DATA in one write, reads
// their replies in order, and sends the message only when some recipient
// was accepted and DATA was answered 354. What it returns is what the
// exchange one command at a time would return for the same replies.
func (s *session) pipeline(c *smtp.Client, env seminar.Envelope, raw []byte) (*seminar.SendResult, error) {
	w := c.Text.W
	_, _ = w.WriteString("MAIL FROM:<")
	_, _ = w.WriteString(env.From)
	_, _ = w.WriteString(">")
	_, _ = w.WriteString(mailParameters(c))
	_, _ = w.WriteString("\r\n")
	for _, to := range env.To {
		_, _ = w.WriteString("RCPT TO:<")
		_, _ = w.WriteString(to)
		_, _ = w.WriteString(">\r\n")
	}
	_, _ = w.WriteString("DATA\r\n")
	if err := w.Flush(); err != nil {
		return nil, s.fail("MAIL FROM", err)
	}

	r := replies{text: c.Text}
	mailErr := r.next(250)
	res := &seminar.SendResult{}
	for _, to := range env.To {
		err := r.next(25)
		var reply *textproto.Error
		switch {
		case err == nil:
			res.Accepted = append(res.Accepted, to)
		case errors.As(err, &reply):
			res.Refused = append(res.Refused, seminar.RecipientError{Address: to, Code: reply.Code, Message: reply.Msg})
		}
	}
	dataErr := r.next(354)
	if dataErr == nil && (mailErr != nil || len(res.Accepted) == 0) {
		// DATA was accepted for a transaction that has no recipient: an
		// empty message ends it (RFC 2920 3.1).
		r.end(c)
	}
	s.lost = r.lost != nil
	switch {
	case mailErr != nil:
		return nil, s.fail("MAIL FROM", mailErr)
	case len(res.Accepted)+len(res.Refused) < len(env.To):
		return nil, s.fail("RCPT TO", r.lost)
	case len(res.Accepted) == 0:
		return res, refusedError(res.Refused)
	case dataErr != nil:
		return nil, s.fail("DATA", dataErr)
	}
	s.data = true
	if err := s.body(c, raw); err != nil {
		return nil, err
	}
	return res, nil
}

// body sends the message after DATA's 354 and reads the reply to its
// end, whose 250 means sent.
func (s *session) body(c *smtp.Client, raw []byte) error {
	if err := writeDot(c.Text, raw); err != nil {
		return s.fail("DATA", err)
	}
	if err := c.Text.W.Flush(); err != nil {
		return s.fail("end of DATA", err)
	}
	if _, _, err := c.Text.ReadResponse(250); err != nil {
		return s.fail("end of DATA", err)
	}
	return nil
}

// writeDot writes raw as the content of DATA, ended by a line holding a
// dot. A message such as Compose writes, in CRLF lines none of which
// begins with a dot, goes as it is, in one write instead of the byte at a
// time of textproto's DotWriter; any other goes through DotWriter, which
// doubles a leading dot and ends bare LFs with CR.
func writeDot(text *textproto.Conn, raw []byte) error {
	asIs := len(raw) > 0 && raw[0] != '.' && bytes.HasSuffix(raw, crlf) &&
		!bytes.Contains(raw, []byte("\n.")) && !bytes.Contains(raw, []byte("\r\r")) &&
		bytes.Count(raw, crlf) == bytes.Count(raw, crlf[1:])
	if !asIs {
		w := text.DotWriter()
		if _, err := w.Write(raw); err != nil {
			return err
		}
		return w.Close()
	}
	if _, err := text.W.Write(raw); err != nil {
		return err
	}
	_, err := text.W.WriteString(".\r\n")
	return err
}

var crlf = []byte("\r\n")

// mailParameters are the parameters net/smtp's Client.Mail adds to MAIL
// FROM, for the extensions the server offers.
func mailParameters(c *smtp.Client) string {
	params := ""
	if ok, _ := c.Extension("8BITMIME"); ok {
		params += " BODY=8BITMIME"
	}
	if ok, _ := c.Extension("SMTPUTF8"); ok {
		params += " SMTPUTF8"
	}
	return params
}

// replies reads the replies to a group of commands, in order. Once one
// cannot be read, the connection is lost and every later reply is that
// error.
type replies struct {
	text *textproto.Conn
	lost error
}

// next reads the next reply, which is an error unless its code begins
// with want.
func (r *replies) next(want int) error {
	if r.lost != nil {
		return r.lost
	}
	_, _, err := r.text.ReadResponse(want)
	var reply *textproto.Error
	if err != nil && !errors.As(err, &reply) {
		r.lost = err
	}
	return err
}

// end sends the empty message and reads the reply to it, which says
// nothing of the transaction: it had no recipient.
func (r *replies) end(c *smtp.Client) {
	if _, err := c.Text.W.WriteString(".\r\n"); err != nil {
		r.lost = err
		return
	}
	if err := c.Text.W.Flush(); err != nil {
		r.lost = err
		return
	}
	_ = r.next(250)
}
