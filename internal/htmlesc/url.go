package htmlesc

import (
	"bytes"
	"strings"
)

// URL writes s as html/template writes a string that is a whole URL
// attribute's value, as in href="{{.}}": a URL whose scheme is not http,
// https or mailto becomes "#ZgotmplZ", and the rest is normalized as
// NormalizedURL writes it.
func URL(b *bytes.Buffer, s string) {
	if !safeURL(s) {
		b.WriteString("#ZgotmplZ")
		return
	}
	NormalizedURL(b, s)
}

// NormalizedURL writes s as html/template writes a string that continues a
// URL attribute's value before its query, as in href="mailto:{{.}}": every
// byte but letters, digits, -._~ and the reserved !#$&*+,/:;=?@[] is
// percent-encoded in lower case, but for a % that starts a valid escape,
// and '&' and '+' are then escaped as in any attribute's value. No scheme
// is filtered out.
func NormalizedURL(b *bytes.Buffer, s string) {
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		repl := urlReplacement[c]
		if repl == "" || c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			continue
		}
		b.WriteString(s[written:i])
		b.WriteString(repl)
		written = i + 1
	}
	b.WriteString(s[written:])
}

// safeURL reports whether html/template lets s be a URL attribute's value:
// a URL without a scheme (a ':' before any '/'), or with http, https or
// mailto in any case.
func safeURL(s string) bool {
	scheme, _, ok := strings.Cut(s, ":")
	if !ok || strings.Contains(scheme, "/") {
		return true
	}
	return strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "mailto")
}

// urlReplacement is what NormalizedURL writes for each byte, or "" for the
// byte as it is: the normalizer's percent-encoding and the attribute's
// escaping in one table, as no escape of either needs the other's.
var urlReplacement = func() (repl [256]string) {
	const hex = "0123456789abcdef"
	for c := range 256 {
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
		case strings.IndexByte("-._~!#$*,/:;=?@[]", byte(c)) >= 0:
		case c == '&' || c == '+':
			repl[c] = textReplacement[c]
		default:
			repl[c] = string([]byte{'%', hex[c>>4], hex[c&0xf]})
		}
	}
	return repl
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
