package mail

import (
	"errors"
	"fmt"
	"net/smtp"
	"strings"
)

// loginAuth is the LOGIN mechanism (draft-murchison-sasl-login), which
// net/smtp lacks and some servers (older Exchange, some hosted relays)
// offer alone. Like net/smtp's PlainAuth it sends credentials only over TLS
// or to localhost.
type loginAuth struct {
	username, password, host string
}

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !isLocalhost(server.Name) {
		return "", nil, errors.New("refusing to send credentials over an unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, fmt.Errorf("server name %q is not the configured host %q", server.Name, a.host)
	}
	return "LOGIN", nil, nil
}

// Next answers the "Username:" and "Password:" challenges; servers differ
// in case and wording ("User Name"), so the answer goes by the first word.
func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch challenge := strings.ToLower(string(fromServer)); {
	case strings.HasPrefix(challenge, "user"):
		return []byte(a.username), nil
	case strings.HasPrefix(challenge, "pass"):
		return []byte(a.password), nil
	}
	return nil, fmt.Errorf("unexpected LOGIN challenge %q", fromServer)
}

func isLocalhost(name string) bool {
	return name == "localhost" || name == "127.0.0.1" || name == "::1"
}

// hasWord reports whether the space-separated list has w, ignoring case.
func hasWord(list, w string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, w) {
			return true
		}
	}
	return false
}
