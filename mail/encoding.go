package mail

import (
	"encoding/base64"
	"strings"
)

// maxSevenBitLine is the longest line a part keeps as it is: the 78
// octets RFC 5322 2.1.1 asks lines to stay within.
const maxSevenBitLine = 78

// appendText appends text in canonical form (CRLF line breaks, RFC 2045
// 6.1) and in the transfer encoding that suits it, as Python's email
// package chooses one: 7bit when it can go as it is, else the shorter of
// quoted-printable and base64, quoted-printable on a tie. The choice
// depends on the text alone, so the bytes are the same on every call.
// Before the text, head appends the header fields that name the encoding
// and the blank line; the body follows them in dst without a copy.
//
// Base64, which every part used to get, adds a third to the text and
// leaves nothing readable in the message's source; a reminder's text and
// calendar are ASCII in short lines, and a mostly-ASCII part with longer
// lines, such as the HTML, goes in quoted-printable. Base64 is left for
// text mostly outside ASCII, such as a title in Japanese, for which it is
// the shorter.
func appendText(dst []byte, text string, head func(dst []byte, encoding string) []byte) []byte {
	canonicalLen, sevenBit := scanText(text)
	if sevenBit {
		return appendCanonical(head(dst, "7bit"), text)
	}
	mark := len(dst)
	b64Len := base64Len(canonicalLen)
	// Quoted-printable is written where it goes and given up as soon as
	// it is longer than base64 would be.
	if qp, ok := appendQP(head(dst, "quoted-printable"), text, b64Len); ok {
		return qp
	}
	return appendBase64(head(dst[:mark], "base64"), appendCanonical(make([]byte, 0, canonicalLen), text))
}

// Classes of octets in a text part.
const (
	textSevenBit  = iota // printable ASCII or tab
	textLineBreak        // CR or LF
	textOther            // what 7bit data cannot carry
)

// textClass is the class of each octet, looked up once per octet.
var textClass = func() (t [256]uint8) {
	for c := range t {
		t[c] = textOther
	}
	for c := ' '; c <= '~'; c++ {
		t[c] = textSevenBit
	}
	t['\t'] = textSevenBit
	t['\r'], t['\n'] = textLineBreak, textLineBreak
	return t
}()

// scanText returns the length of text once its line breaks are canonical,
// and whether it can then go as 7bit data (RFC 2045 2.7) that every relay
// passes on unchanged: printable ASCII and tabs, in lines of at most 78
// octets, none of which begins as a delimiter of our MIME boundaries
// ("--=_") would.
func scanText(text string) (canonicalLen int, sevenBit bool) {
	canonicalLen, sevenBit = len(text), true
	lineStart := 0
	endLine := func(end int) {
		if end-lineStart > maxSevenBitLine || strings.HasPrefix(text[lineStart:end], "--=_") {
			sevenBit = false
		}
	}
	for i := 0; i < len(text); i++ {
		switch textClass[text[i]] {
		case textSevenBit:
		case textLineBreak:
			endLine(i)
			if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				i++
			} else {
				canonicalLen++
			}
			lineStart = i + 1
		default:
			sevenBit = false
		}
	}
	endLine(len(text))
	return canonicalLen, sevenBit
}

// appendCanonical appends text with every line break (CR, LF or CRLF) as
// CRLF.
func appendCanonical(dst []byte, text string) []byte {
	cr := strings.IndexByte(text, '\r') // the next CR, or -1: most texts have none
	for len(text) > 0 {
		i := strings.IndexByte(text, '\n')
		if cr >= 0 && (i < 0 || cr < i) {
			i = cr
		}
		if i < 0 {
			return append(dst, text...)
		}
		dst = append(dst, text[:i]...)
		dst = append(dst, '\r', '\n')
		if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
			i++
		}
		text = text[i+1:]
		if cr >= 0 {
			if cr -= i + 1; cr < 0 {
				cr = strings.IndexByte(text, '\r')
			}
		}
	}
	return dst
}

// base64Len is the length of n octets in base64 lines of 76 characters.
func base64Len(n int) int {
	chars := base64.StdEncoding.EncodedLen(n)
	return chars + 2*((chars+75)/76)
}

// appendBase64 appends data in base64 lines of 76 characters (RFC 2045
// 6.8).
func appendBase64(dst, data []byte) []byte {
	const perLine = 57 // octets per 76-character line
	for len(data) > 0 {
		n := min(perLine, len(data))
		dst = base64.StdEncoding.AppendEncode(dst, data[:n])
		dst = append(dst, '\r', '\n')
		data = data[n:]
	}
	return dst
}
