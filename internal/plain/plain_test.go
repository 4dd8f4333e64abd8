package plain

import (
	"math/rand/v2"
	"net/mail"
	"net/url"
	"strings"
	"testing"
)

// randomString returns a string of up to n bytes drawn from alphabet.
func randomString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, r.IntN(n+1))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// TestURL checks that every URL that URL recognizes is one url.Parse reads
// as an http or https URL with a host, and that the usual ones are.
func TestURL(t *testing.T) {
	full := func(s string) bool { // the check of seminar's Validate
		if strings.ContainsAny(s, " \t\r\n\x00\x7f") {
			return false
		}
		u, err := url.Parse(s)
		return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
	}
	for _, s := range []string{"https://arxiv.org/abs/1611.01838", "http://a", "https://x.y/p?q=1&r=2+3", "https://e.org/~a/_b"} {
		if !URL(s) {
			t.Errorf("URL(%q) = false", s)
		}
	}
	for _, s := range []string{"https://", "ftp://a.b", "HTTPS://a.b", "https://a.b:80/", "https://[::1]/", "https://a.b/%zz", "https://a.b#f", "https://a b"} {
		if URL(s) {
			t.Errorf("URL(%q) = true", s)
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	prefixes := []string{"https://", "http://", "https:/", "htp://", ""}
	for range 50000 {
		s := prefixes[r.IntN(len(prefixes))] + randomString(r, "aZ09.-_~/?=&+%:@#[] é\x00", 20)
		if URL(s) && !full(s) {
			t.Fatalf("URL(%q) = true, but url.Parse does not read it as an http or https URL with a host", s)
		}
	}
}

// TestEmail checks that every address that Email recognizes is one
// net/mail reads as that bare address.
func TestEmail(t *testing.T) {
	full := func(s string) bool {
		a, err := mail.ParseAddress(s)
		return err == nil && a.Name == "" && a.Address == s
	}
	for _, s := range []string{"bzhou@csail.mit.edu", "a+b@x", "a.b-c_d@e-f.g"} {
		if !Email(s) || !full(s) {
			t.Errorf("%q: Email %v, net/mail %v", s, Email(s), full(s))
		}
	}
	for _, s := range []string{"", "@x", "a@", "a..b@x", ".a@x", "a.@x", "a@b@c", "a@x..y", "a @x", "<a@x>"} {
		if Email(s) {
			t.Errorf("Email(%q) = true", s)
		}
	}
	r := rand.New(rand.NewPCG(7, 8))
	for range 50000 {
		s := randomString(r, "aZ9.-_+@ <>\"(),;é", 14)
		if Email(s) && !full(s) {
			t.Fatalf("Email(%q) = true, but net/mail does not read it as that address", s)
		}
	}
}
