package smtptest

import (
	"crypto/tls"
	"net/smtp"
)

// BaselineHello is the setup of the benchmarks' baseline client, net/smtp
// alone: EHLO, then STARTTLS when cfg is not nil, then AUTH when auth is
// not nil.
func BaselineHello(c *smtp.Client, cfg *tls.Config, auth smtp.Auth) error {
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if cfg != nil {
		if err := c.StartTLS(cfg); err != nil {
			return err
		}
	}
	if auth != nil {
		return c.Auth(auth)
	}
	return nil
}

// BaselineSend is one mail transaction of the benchmarks' baseline
// client, net/smtp alone: MAIL, RCPT for each of to, DATA.
func BaselineSend(c *smtp.Client, from string, to []string, raw []byte) error {
	if err := c.Mail(from); err != nil {
		return err
	}
	for _, addr := range to {
		if err := c.Rcpt(addr); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	return w.Close()
}
