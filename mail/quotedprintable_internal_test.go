package mail

import (
	"bytes"
	"io"
	"math"
	"math/rand/v2"
	"mime/quotedprintable"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// stdQP is text in quoted-printable as mime/quotedprintable's Writer
// writes it once its line breaks are canonical, as Compose used to encode
// every quoted-printable part.
func stdQP(text string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write(canonicalLines(text))
	w.Close()
	return b.String()
}

// qpTexts returns texts around every rule of quoted-printable: lines
// either side of the 76-character limit, encoded octets across it, white
// space before line breaks and at the end, "=", UTF-8, control characters
// and every mix of CR and LF.
func qpTexts() []string {
	texts := variedTexts()
	for n := 70; n <= 80; n++ {
		for _, end := range []string{"", " ", "\t", "  ", " \t", "=", "é", "\r\n", " \r\n", "\t\n", "\r", " \r", "\n\r", "\r\r\n"} {
			texts = append(texts, strings.Repeat("x", n)+end, strings.Repeat("x", n)+end+"tail",
				strings.Repeat("é", n/2)+end, strings.Repeat("x", n-1)+"="+end+strings.Repeat("y", n))
		}
	}
	pieces := []string{"a", "word", " ", "  ", "\t", "\r", "\n", "\r\n", "=", "é", "日本", "\x00", "\x7f", "\xff",
		strings.Repeat("x", 73), strings.Repeat("y", 76), strings.Repeat("z", 150)}
	r := rand.New(rand.NewPCG(3, 5))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	return texts
}

// checkQP fails t unless appendQP writes text as mime/quotedprintable's
// Writer does, and mime/quotedprintable's Reader reads it back.
func checkQP(t *testing.T, text string) {
	t.Helper()
	want := stdQP(text)
	got, ok := appendQP([]byte("prefix"), text, math.MaxInt)
	require.True(t, ok)
	require.Equal(t, want, string(got[len("prefix"):]), "quoted-printable of %q", text)
	decoded, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(got[len("prefix"):])))
	require.NoError(t, err, "reading back the quoted-printable of %q", text)
	require.Equal(t, string(canonicalLines(text)), string(decoded), "the quoted-printable of %q read back", text)
}

func TestAppendQP_sameAsStandardWriter(t *testing.T) {
	for _, text := range qpTexts() {
		checkQP(t, text)
	}
}

func TestAppendQP_limit(t *testing.T) {
	for _, text := range qpTexts()[:3000] {
		n := len(stdQP(text))
		got, ok := appendQP(nil, text, n)
		require.True(t, ok, "quoted-printable of %q within its own length", text)
		require.Len(t, got, n)
		if n > 0 {
			_, ok = appendQP(nil, text, n-1)
			require.False(t, ok, "quoted-printable of %q, %d octets, within %d", text, n, n-1)
		}
	}
}

func FuzzQuotedPrintable(f *testing.F) {
	for _, text := range qpTexts()[:40] {
		f.Add(text)
	}
	f.Fuzz(checkQP)
}

// canonicalLines turns every line break of text (CR, LF or CRLF) into
// CRLF, MIME's canonical form of text, written apart from the
// appendCanonical it checks.
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
