package feed

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// MinSecretLen is the shortest Options.Secret accepted: a shorter HMAC
// key could be guessed, and with it every private feed link.
const MinSecretLen = 16

// scope is what a private feed's token signs. It holds the name unescaped,
// as the mux hands it to the handler, so every escaping of one name opens
// the same feed; each kind has its own prefix so that a series and an event
// of the same name never share a token.
func (f Feed) scope() string {
	switch f.kind {
	case seriesFeed:
		return "series/" + f.name
	case eventFeed:
		return "events/" + f.name
	}
	return "calendar"
}

// PrivatePath returns the path, relative to the handler, of the private
// version of f: "/private/{token}" followed by f.Path(). A private feed also
// holds the events that are not public. The token is
// base64url(HMAC-SHA256(Secret, scope)), where the scope names the feed, so a
// link opens that one feed only and cannot be forged without the Secret;
// changing the Secret revokes every link handed out. PrivatePath fails when
// the handler has no Secret or f names no series or event.
func (h *Handler) PrivatePath(f Feed) (string, error) {
	if h.secret == nil {
		return "", fmt.Errorf("feed: private path of %s: private feeds are off: Options.Secret is not set", f.Path())
	}
	if !f.valid() {
		return "", fmt.Errorf("feed: private path of %s: the feed names no series or event", f.Path())
	}
	return "/private/" + base64.RawURLEncoding.EncodeToString(h.mac(f)) + f.Path(), nil
}

func (h *Handler) mac(f Feed) []byte {
	m := hmac.New(sha256.New, h.secret)
	m.Write([]byte(f.scope()))
	return m.Sum(nil)
}

// tokenOpens reports whether token was made by PrivatePath for f. The
// comparison takes the same time wherever the first wrong byte is, so
// response times reveal nothing of the right token.
func (h *Handler) tokenOpens(token string, f Feed) bool {
	if h.secret == nil {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return false
	}
	return hmac.Equal(got, h.mac(f))
}
