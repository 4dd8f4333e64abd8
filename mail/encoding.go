package mail

import (
	"bytes"
	"encoding/base64"
	"mime/quotedprintable"
)

// maxSevenBitLine is the longest line a part keeps as it is: the 78
// octets RFC 5322 2.1.1 asks lines to stay within.
const maxSevenBitLine = 78

// textBody is the body of a text part in its transfer encoding.
type textBody struct {
	encoding string // "7bit", "quoted-printable" or "base64"
	data     []byte
}

// encodeText returns text in canonical form (CRLF line breaks, RFC 2045
// 6.1) and the transfer encoding that suits it, as Python's email package
// chooses one: 7bit when it can go as it is, else the shorter of
// quoted-printable and base64, quoted-printable on a tie. The choice
// depends on the text alone, so the bytes are the same on every call.
//
// Base64, which every part used to get, adds a third to the text and
// leaves nothing readable in the message's source; a reminder's text and
// calendar are ASCII in short lines, and a mostly-ASCII part with longer
// lines, such as the HTML, goes in quoted-printable. Base64 is left for
// text mostly outside ASCII, such as a title in Japanese, for which it is
// the shorter.
func encodeText(text string) textBody {
	canonical := canonicalLines(text)
	if sevenBit(canonical) {
		return textBody{"7bit", canonical}
	}
	b64Len := base64Len(len(canonical))
	// Text that quoted-printable cannot fit within base64's length is not
	// encoded in quoted-printable at all.
	if bound := qpLenBound(canonical); bound <= b64Len {
		var qp bytes.Buffer
		qp.Grow(bound + bound/16)
		w := quotedprintable.NewWriter(&qp)
		w.Write(canonical) // a bytes.Buffer does not fail
		w.Close()
		if qp.Len() <= b64Len {
			return textBody{"quoted-printable", qp.Bytes()}
		}
	}
	var b64 bytes.Buffer
	b64.Grow(b64Len)
	writeBase64(&b64, canonical)
	return textBody{"base64", b64.Bytes()}
}

// qpLenBound returns a length that mime/quotedprintable's Writer never
// writes less than for canonical text (line breaks CRLF only, as
// canonicalLines makes them): every octet other than printable ASCII,
// space, tab and the line breaks takes three, as does "="; a CRLF takes
// two; and a line of n encoded characters takes a soft line break
// (3 more) after each 75 but the last, which the Writer allows at most
// before one. It leaves out what the Writer may add beyond that: the
// encoding of white space at the end of a line, and soft line breaks
// taken early so that an encoded octet is not split.
func qpLenBound(canonical []byte) int {
	const perLine = 75 // characters on a line before a soft line break
	total, line := 0, 0
	endLine := func() {
		if line > perLine {
			total += 3 * ((line+perLine-1)/perLine - 1)
		}
		total += line
		line = 0
	}
	for i := 0; i < len(canonical); i++ {
		switch c := canonical[i]; {
		case c == '\r' && i+1 < len(canonical) && canonical[i+1] == '\n':
			endLine()
			total += 2
			i++
		case (c >= ' ' && c <= '~' && c != '=') || c == '\t':
			line++
		default:
			line += 3
		}
	}
	endLine()
	return total
}

// canonicalLines turns every line break of text (CR, LF or CRLF) into
// CRLF, MIME's canonical form of text.
func canonicalLines(text string) []byte {
	out := make([]byte, 0, len(text)+len(text)/32)
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			out = append(out, '\r', '\n')
		case '\n':
			out = append(out, '\r', '\n')
		default:
			out = append(out, c)
		}
	}
	return out
}

// sevenBit reports whether canonical text can go as 7bit data (RFC 2045
// 2.7) that every relay passes on unchanged: printable ASCII and tabs, in
// lines of at most 78 octets, none of which begins as a delimiter of our
// MIME boundaries ("--=_") would.
func sevenBit(canonical []byte) bool {
	for line := range bytes.SplitSeq(canonical, []byte("\r\n")) {
		if len(line) > maxSevenBitLine || bytes.HasPrefix(line, []byte("--=_")) {
			return false
		}
		for _, c := range line {
			if (c < ' ' && c != '\t') || c > '~' {
				return false
			}
		}
	}
	return true
}

// base64Len is the length of n octets in base64 lines of 76 characters.
func base64Len(n int) int {
	chars := base64.StdEncoding.EncodedLen(n)
	return chars + 2*((chars+75)/76)
}

// writeBase64 writes data in base64 lines of 76 characters (RFC 2045 6.8).
func writeBase64(w *bytes.Buffer, data []byte) {
	const perLine = 57 // octets per 76-character line
	for len(data) > 0 {
		n := min(perLine, len(data))
		w.Write(base64.StdEncoding.AppendEncode(w.AvailableBuffer(), data[:n]))
		w.WriteString("\r\n")
		data = data[n:]
	}
}
