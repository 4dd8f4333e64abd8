package mail

import (
	"bytes"
	"math/rand/v2"
	"mime/quotedprintable"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// qpLen is the length mime/quotedprintable writes for data.
func qpLen(data []byte) int {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Len()
}

// chooseByEncodingBoth is the choice of encodeText made the plain way:
// both encodings written and the shorter kept, quoted-printable on a tie.
func chooseByEncodingBoth(canonical []byte) textBody {
	if sevenBit(canonical) {
		return textBody{"7bit", canonical}
	}
	var qp bytes.Buffer
	w := quotedprintable.NewWriter(&qp)
	w.Write(canonical)
	w.Close()
	var b64 bytes.Buffer
	writeBase64(&b64, canonical)
	if qp.Len() <= b64.Len() {
		return textBody{"quoted-printable", qp.Bytes()}
	}
	return textBody{"base64", b64.Bytes()}
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

func TestQPLenBound_neverAboveQP(t *testing.T) {
	for _, text := range variedTexts() {
		data := canonicalLines(text)
		require.LessOrEqual(t, qpLenBound(data), qpLen(data),
			"the bound must never be above the quoted-printable length of %q", data)
	}
}

func TestEncodeText_sameChoiceAsEncodingBoth(t *testing.T) {
	chosen := map[string]int{}
	for _, text := range variedTexts() {
		want := chooseByEncodingBoth(canonicalLines(text))
		got := encodeText(text)
		require.Equal(t, want.encoding, got.encoding, "the encoding of %q", text)
		require.Equal(t, string(want.data), string(got.data), "the encoded body of %q", text)
		chosen[got.encoding]++
	}
	assert.Positive(t, chosen["quoted-printable"], "the texts must include some that go in quoted-printable")
	assert.Positive(t, chosen["base64"], "the texts must include some that go in base64")
}

func FuzzQPLenBound(f *testing.F) {
	for _, text := range variedTexts()[:20] {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		data := canonicalLines(text)
		if bound, n := qpLenBound(data), qpLen(data); bound > n {
			t.Fatalf("qpLenBound(%q) = %d, above the quoted-printable length %d", data, bound, n)
		}
	})
}
