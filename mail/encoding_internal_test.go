package mail

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"mime/quotedprintable"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chooseByEncodingBoth is the choice of appendText made the plain way:
// both encodings written, by mime/quotedprintable and encoding/base64, and
// the shorter kept, quoted-printable on a tie.
func chooseByEncodingBoth(canonical []byte) (encoding string, data []byte) {
	if sevenBit(canonical) {
		return "7bit", canonical
	}
	var qp bytes.Buffer
	w := quotedprintable.NewWriter(&qp)
	w.Write(canonical)
	w.Close()
	var b64 bytes.Buffer
	for s := base64.StdEncoding.EncodeToString(canonical); s != ""; {
		n := min(76, len(s))
		b64.WriteString(s[:n] + "\r\n")
		s = s[n:]
	}
	if qp.Len() <= b64.Len() {
		return "quoted-printable", qp.Bytes()
	}
	return "base64", b64.Bytes()
}

// sevenBit reports whether canonical text is printable ASCII and tabs in
// lines of at most 78 octets, none beginning with "--=_".
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

// encodeText is text as appendText writes it after a header that names
// the encoding.
func encodeText(text string) (encoding string, data []byte) {
	prefix := []byte("header: ")
	out := appendText(prefix, text, func(dst []byte, e string) []byte {
		encoding = e
		return append(dst, e+"\r\n\r\n"...)
	})
	return encoding, out[len(prefix)+len(encoding)+4:]
}

// variedTexts returns texts of every mix encodeText meets: ASCII in short
// and long lines, white space at line ends, "=", Latin and Japanese text,
// control characters, and mixes of those near the point where base64
// becomes the shorter.
func variedTexts() []string {
	texts := []string{"", "a", "=", "é", "日本語", " \r\n\t", strings.Repeat("x", 76), strings.Repeat("x", 75) + "=",
		strings.Repeat("=", 200), strings.Repeat("é", 200), strings.Repeat("a ", 100) + "\n" + strings.Repeat("ü", 40)}
	pieces := []string{"word", " ", "\t", "\n", "\r\n", "\r", "=", "é", "ß", "日本", "語の", "\x01", "\x7f", "<p>", "https://example.org/a?b=c",
		strings.Repeat("long", 30)}
	r := rand.New(rand.NewPCG(7, 13))
	for range 3000 {
		var b strings.Builder
		n := r.IntN(200)
		nonASCII := r.Float64() // how much of the text is outside ASCII
		for range n {
			p := pieces[r.IntN(len(pieces))]
			if r.Float64() < nonASCII {
				p = pieces[7+r.IntN(4)]
			}
			b.WriteString(p)
		}
		texts = append(texts, b.String())
	}
	return texts
}

func TestAppendCanonical(t *testing.T) {
	for _, text := range variedTexts() {
		require.Equal(t, string(canonicalLines(text)), string(appendCanonical(nil, text)), "canonical form of %q", text)
		n, _ := scanText(text)
		require.Len(t, canonicalLines(text), n, "canonical length of %q", text)
	}
}

func TestAppendText_sameChoiceAsEncodingBoth(t *testing.T) {
	chosen := map[string]int{}
	for _, text := range variedTexts() {
		wantEncoding, wantData := chooseByEncodingBoth(canonicalLines(text))
		encoding, data := encodeText(text)
		require.Equal(t, wantEncoding, encoding, "the encoding of %q", text)
		require.Equal(t, string(wantData), string(data), "the encoded body of %q", text)
		chosen[encoding]++
	}
	assert.Positive(t, chosen["quoted-printable"], "the texts must include some that go in quoted-printable")
	assert.Positive(t, chosen["base64"], "the texts must include some that go in base64")
}
