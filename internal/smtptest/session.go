package smtptest

import (
	"bytes"
	"io"
	"net/mail"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// newSession is called by go-smtp at EHLO or HELO.
func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.sessions++
	s.mu.Unlock()
	if s.opts.Behavior == HangUpAtEHLO {
		_ = c.Conn().Close()
		return nil, &smtp.SMTPError{Code: 421, Message: "going away"}
	}
	return &session{srv: s, conn: c}, nil
}

// session is one SMTP session; go-smtp calls its methods from the
// connection's goroutine only.
type session struct {
	srv  *Server
	conn *smtp.Conn
	user string
	from string
	to   []string
	// messages counts the messages the connection carried.
	messages int
}

func (s *session) AuthMechanisms() []string { return s.srv.opts.Mechanisms }

func (s *session) Auth(mech string) (sasl.Server, error) {
	check := func(username, password string) error {
		if username != User || password != Password {
			return smtp.ErrAuthFailed
		}
		s.user = username
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, username, password string) error { return check(username, password) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if len(s.srv.opts.Mechanisms) > 0 && s.user == "" {
		return smtp.ErrAuthRequired
	}
	if max := s.srv.opts.MaxMessagesPerConnection; max > 0 && s.messages >= max {
		if s.srv.opts.HangUpAtLimit {
			_ = s.conn.Conn().Close()
			return &smtp.SMTPError{Code: 421, Message: "too many messages"}
		}
		// The reply goes out before the connection closes.
		conn := s.conn.Conn()
		time.AfterFunc(50*time.Millisecond, func() { _ = conn.Close() })
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "too many messages in one session"}
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if err, ok := s.srv.refuse[to]; ok {
		return err
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	scripted := s.srv.takeScripted()
	if scripted == ErrDropConnection {
		_, _ = io.ReadFull(r, make([]byte, 512))
		_ = s.conn.Conn().Close()
		return scripted
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.srv.opts.Behavior == StallData {
		select {
		case s.srv.Stalled <- data:
		case <-s.srv.release:
		}
		<-s.srv.release
		return &smtp.SMTPError{Code: 421, Message: "shutting down"}
	}
	if scripted != nil {
		return scripted
	}
	if d := s.srv.opts.Delay; d > 0 {
		select {
		case <-time.After(d):
		case <-s.srv.release:
		}
	}
	s.messages++
	s.srv.keep(s, data)
	return nil
}

func (s *session) Reset() { s.from, s.to = "", nil }

func (s *session) Logout() error { return nil }

// takeScripted removes and returns the reply scripted for this DATA.
func (s *Server) takeScripted() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.dataScript) == 0 {
		return nil
	}
	next := s.dataScript[0]
	s.dataScript = s.dataScript[1:]
	return next
}

// keep records an accepted message: in full, or in sink mode only its
// Message-ID.
func (s *Server) keep(sess *session, data []byte) {
	var id string
	if s.opts.Sink {
		// Only the header is parsed: the body stays unread in data.
		if m, err := mail.ReadMessage(bytes.NewReader(data)); err == nil {
			id = m.Header.Get("Message-Id")
		}
	}
	_, isTLS := sess.conn.TLSConnectionState()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
	if s.opts.Sink {
		s.messageIDs = append(s.messageIDs, id)
		return
	}
	s.received = append(s.received, Message{
		From: sess.from, To: append([]string(nil), sess.to...), Data: bytes.Clone(data), TLS: isTLS, User: sess.user,
	})
}

// loginServer is the server side of AUTH LOGIN, which go-sasl lacks.
type loginServer struct {
	check    func(username, password string) error
	username string
	step     int
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		if response != nil { // an initial response is the user name
			l.username, l.step = string(response), 2
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		l.username = string(response)
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.username, string(response))
	}
}
