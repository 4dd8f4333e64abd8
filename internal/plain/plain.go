// Package plain recognizes values of the plainest kind, which the
// standard library's parsers take as they are, so that checks on hot
// paths (validating an event, decoding a calendar) can skip url.Parse
// and net/mail for them. Whatever it does not recognize is for the full
// parser to judge: it never says yes where the parser would say no.
package plain

import "strings"

// URL reports whether s is an http or https URL of the plainest
// kind, which url.Parse takes as it is: a lower-case scheme, a host of
// letters, digits, dots and hyphens, and a path and query of letters,
// digits and -._~/?=&+. Other URLs are for url.Parse to judge.
func URL(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return false
		}
	}
	host := 0
	for host < len(rest) && isHostByte(rest[host]) {
		host++
	}
	if host == 0 || host < len(rest) && rest[host] != '/' {
		return false
	}
	for i := host; i < len(rest); i++ {
		if c := rest[i]; !isHostByte(c) && strings.IndexByte("_~/?=&+", c) < 0 {
			return false
		}
	}
	return true
}

// isHostByte reports whether c may stand in a plain host name.
func isHostByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}

// Email reports whether s is an email address of the plainest kind,
// which net/mail reads as that bare address: dot-separated words of
// letters, digits and _+- before the '@', of letters, digits and hyphens
// after it. Other addresses are for net/mail to judge.
func Email(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && words(local, "_+-") && words(domain, "-")
}

// words reports whether s is one or more words of letters, digits
// and the bytes of extra, joined by single dots.
func words(s, extra string) bool {
	word := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			if word == 0 {
				return false
			}
			word = 0
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(extra, c) >= 0:
			word++
		default:
			return false
		}
	}
	return word > 0
}
