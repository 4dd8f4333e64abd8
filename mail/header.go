package mail

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Line lengths of RFC 5322 2.1.1 and the encoded-word length of RFC 2047 2.
const (
	lineSoftMax = 78  // a line SHOULD be no longer
	lineHardMax = 998 // a line MUST be no longer
	wordMax     = 75  // an encoded-word MUST be no longer
)

// headerWriter writes header fields folded at spaces so that lines stay
// within lineSoftMax where a fold point allows it. Its error is sticky: after
// a field fails, the others are skipped and err says why.
type headerWriter struct {
	buf *bytes.Buffer
	err error
}

// field writes "name:" and the tokens, one space before each, folding
// before a token that would end past lineSoftMax. Folding replaces that
// space with CRLF and a space, so unfolding gives back the value.
func (h *headerWriter) field(name string, tokens ...string) {
	if h.err != nil {
		return
	}
	h.buf.WriteString(name)
	h.buf.WriteByte(':')
	line := len(name) + 1 // octets on the current line; no token holds a line break
	tooLong := 0          // the last line past lineHardMax
	for _, t := range tokens {
		if line+1+len(t) > lineSoftMax {
			if line > lineHardMax {
				tooLong = line
			}
			h.buf.WriteString("\r\n")
			line = 0
		}
		h.buf.WriteByte(' ')
		h.buf.WriteString(t)
		line += 1 + len(t)
	}
	h.buf.WriteString("\r\n")
	if line > lineHardMax {
		tooLong = line
	}
	if tooLong > 0 {
		h.err = fmt.Errorf("header %s: a line of %d octets cannot be folded under the limit of %d",
			name, tooLong, lineHardMax)
	}
}

// addressTokens renders addresses and splits them at the places where
// folding is safe. ASCII names are quoted by net/mail's Address.String.
// Other names are encoded word by word (phraseTokens), not whole as
// Address.String does: a long name split into adjacent encoded-words
// reads back with a space at each split in Python's email package.
func addressTokens(addrs []mail.Address) []string {
	var tokens []string
	for i, a := range addrs {
		var ts []string
		if isASCII(a.Name) {
			ts = splitOutsideQuotes(a.String())
		} else {
			ts = append(textTokens(a.Name, wordMax, isAtom), (&mail.Address{Address: a.Address}).String())
		}
		if i < len(addrs)-1 {
			ts[len(ts)-1] += ","
		}
		tokens = append(tokens, ts...)
	}
	return tokens
}

func splitOutsideQuotes(s string) []string {
	var tokens []string
	quoted, escaped, start := false, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case escaped:
			escaped = false
		case c == '\\' && quoted:
			escaped = true
		case c == '"':
			quoted = !quoted
		case c == ' ' && !quoted:
			tokens = append(tokens, s[start:i])
			start = i + 1
		}
	}
	return append(tokens, s[start:])
}

// textTokens returns the tokens of a header value: the words for which
// literal holds as they are, and each run of the other words as RFC 2047
// encoded-words. first is the room left on the header's first line, so
// that an encoded-word there fits beside the field name.
func textTokens(value string, first int, literal func(word string) bool) []string {
	var tokens, run []string
	flush := func() {
		if len(run) == 0 {
			return
		}
		room := wordMax
		if len(tokens) == 0 {
			room = min(wordMax, first)
		}
		tokens = append(tokens, encodeWords(strings.Join(run, " "), room)...)
		run = run[:0]
	}
	for _, w := range words(value) {
		if !literal(w) {
			run = append(run, w)
			continue
		}
		flush()
		tokens = append(tokens, w)
	}
	flush()
	return tokens
}

// isText says which words of an unstructured value, such as a Subject,
// can stay as they are: printable ASCII that fits on a folded line. Longer
// words are encoded so that every line can be folded under the limit.
func isText(w string) bool {
	return isPlain(w) && len(w) < lineSoftMax
}

// isAtom says which words of a display name can stay as they are: atoms
// (RFC 5322 3.2.3).
func isAtom(w string) bool {
	for i := 0; i < len(w); i++ {
		if !isAtext(w[i]) {
			return false
		}
	}
	return w != ""
}

// words splits s at the single spaces that have a non-space on each side:
// the places where a header can be folded without changing its value.
// Other spaces stay inside the words.
func words(s string) []string {
	ws := make([]string, 0, strings.Count(s, " ")+1)
	start := 0
	for i := 1; i < len(s)-1; i++ {
		if s[i] == ' ' && s[i-1] != ' ' && s[i+1] != ' ' {
			ws = append(ws, s[start:i])
			start = i + 1
		}
	}
	return append(ws, s[start:])
}

// isPlain says which words can be written as they are in an unstructured
// or a structured value: printable ASCII that will not be read as an
// encoded-word and has no space at an end, which a reader would drop.
func isPlain(w string) bool {
	if w == "" || strings.Contains(w, "=?") || w[0] == ' ' || w[len(w)-1] == ' ' {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < ' ' || w[i] > '~' {
			return false
		}
	}
	return true
}

// encodeWords encodes s as UTF-8 encoded-words, the first at most first
// octets long and the others at most wordMax, split between runes so that
// each decodes on its own. It takes the Q or the B encoding, whichever is
// shorter for s. The Q encoding leaves only letters, digits and "!*+-/"
// as they are, which RFC 2047 5 allows in every place an encoded-word may
// stand, display names included.
func encodeWords(s string, first int) []string {
	b := qLen(s) > base64.StdEncoding.EncodedLen(len(s))
	prefix := "=?utf-8?q?"
	if b {
		prefix = "=?utf-8?b?"
	}
	const overhead = len("=?utf-8?q?") + len("?=")
	var out []string
	room := first
	if room < overhead+12 { // no room for a rune beside the name: take a full word
		room = wordMax
	}
	for s != "" {
		n := 0 // octets of s in this word
		for n < len(s) {
			_, size := utf8.DecodeRuneInString(s[n:])
			if overhead+encodedLen(s[:n+size], b) > room && n > 0 {
				break
			}
			n += size
		}
		out = append(out, prefix+encode(s[:n], b)+"?=")
		s = s[n:]
		room = wordMax
	}
	return out
}

func encodedLen(s string, b bool) int {
	if b {
		return base64.StdEncoding.EncodedLen(len(s))
	}
	return qLen(s)
}

func encode(s string, b bool) string {
	if b {
		return base64.StdEncoding.EncodeToString([]byte(s))
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case qLiteral(c):
			sb.WriteByte(c)
		case c == ' ':
			sb.WriteByte('_')
		default:
			fmt.Fprintf(&sb, "=%02X", c)
		}
	}
	return sb.String()
}

func qLen(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if qLiteral(s[i]) || s[i] == ' ' {
			n++
		} else {
			n += 3
		}
	}
	return n
}

func qLiteral(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '!' || c == '*' || c == '+' || c == '-' || c == '/'
}
