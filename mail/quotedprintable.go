package mail

// qpLineMax is the longest line quoted-printable writes, the "=" of a soft
// line break included (RFC 2045 6.7, rule 5).
const qpLineMax = 76

// Classes of octets in quoted-printable.
const (
	qpEncoded   = iota // written as "=" and two hex digits
	qpLiteral          // written as it is: printable ASCII but "=", space, tab
	qpLineBreak        // CR or LF
)

// qpClass is the class of each octet, looked up once per octet.
var qpClass = func() (t [256]uint8) {
	for c := '!'; c <= '~'; c++ {
		t[c] = qpLiteral
	}
	t['='] = qpEncoded
	t[' '], t['\t'] = qpLiteral, qpLiteral
	t['\r'], t['\n'] = qpLineBreak, qpLineBreak
	return t
}()

const upperHex = "0123456789ABCDEF"

// appendQP appends text in quoted-printable to dst, with its line breaks
// (CR, LF or CRLF) in canonical form: the bytes mime/quotedprintable's
// Writer writes for canonicalLines(text), soft line breaks and encoded
// white space at line ends included, in one pass and without a copy of
// the text. It gives up, returning false, once the encoding is longer
// than limit octets.
func appendQP(dst []byte, text string, limit int) ([]byte, bool) {
	start := len(dst)
	line := len(dst) // where the current line begins in dst
	for i := 0; i < len(text); {
		switch qpClass[text[i]] {
		case qpLiteral:
			j := i + 1
			for j < len(text) && qpClass[text[j]] == qpLiteral {
				j++
			}
			for i < j {
				if len(dst)-line == qpLineMax-1 {
					dst = append(dst, "=\r\n"...)
					line = len(dst)
				}
				n := min(j-i, qpLineMax-1-(len(dst)-line))
				dst = append(dst, text[i:i+n]...)
				i += n
			}
		case qpLineBreak:
			dst = qpEndLine(dst, line)
			dst = append(dst, '\r', '\n')
			line = len(dst)
			if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			i++
		default:
			dst, line = qpEncode(dst, line, text[i])
			i++
		}
		if len(dst)-start > limit {
			return dst, false
		}
	}
	dst = qpEndLine(dst, line)
	return dst, len(dst)-start <= limit
}

// qpEncode appends c as "=" and two hex digits, after a soft line break
// when they would not fit on the line.
func qpEncode(dst []byte, line int, c byte) ([]byte, int) {
	if qpLineMax-1-(len(dst)-line) < 3 {
		dst = append(dst, "=\r\n"...)
		line = len(dst)
	}
	return append(dst, '=', upperHex[c>>4], upperHex[c&0x0f]), line
}

// qpEndLine encodes a space or tab that ends the line, which a relay could
// otherwise strip (RFC 2045 6.7, rule 3).
func qpEndLine(dst []byte, line int) []byte {
	if len(dst) == line {
		return dst
	}
	if c := dst[len(dst)-1]; c == ' ' || c == '\t' {
		dst, _ = qpEncode(dst[:len(dst)-1], line, c)
	}
	return dst
}
