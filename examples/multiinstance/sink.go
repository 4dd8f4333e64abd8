package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"net/mail"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// sink is an SMTP server on the loopback interface that accepts every
// message and keeps its Message-ID: the mail server of the demonstration.
type sink struct {
	Addr   string
	server *smtp.Server
	done   chan struct{}

	mu  sync.Mutex
	ids []string // Message-IDs in the order received
}

// startSink listens on 127.0.0.1 at a free port. Each message takes delay
// to accept, as a real server's would, so that both dispatchers get work.
func startSink(delay time.Duration) (*sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &sink{Addr: ln.Addr().String(), done: make(chan struct{})}
	s.server = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &sinkSession{sink: s, delay: delay}, nil
	}))
	s.server.Domain = "localhost"
	s.server.ReadTimeout = 10 * time.Second
	s.server.WriteTimeout = 10 * time.Second
	s.server.ErrorLog = log.New(io.Discard, "", 0)
	go func() {
		defer close(s.done)
		_ = s.server.Serve(ln)
	}()
	return s, nil
}

// Close stops the server.
func (s *sink) Close() {
	_ = s.server.Close()
	<-s.done
}

// MessageIDs returns the Message-IDs of the messages received.
func (s *sink) MessageIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ids...)
}

type sinkSession struct {
	sink  *sink
	delay time.Duration
}

func (*sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (*sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (*sinkSession) Reset()                               {}
func (*sinkSession) Logout() error                        { return nil }

func (s *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("sink: unreadable message: %w", err)
	}
	time.Sleep(s.delay)
	s.sink.mu.Lock()
	defer s.sink.mu.Unlock()
	s.sink.ids = append(s.sink.ids, msg.Header.Get("Message-Id"))
	return nil
}
