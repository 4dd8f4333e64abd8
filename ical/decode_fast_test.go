package ical

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/seminarkit/seminar/internal/plain"
)

// randomString returns a string of up to n bytes drawn from alphabet.
func randomString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, r.IntN(n+1))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// TestPlainASCII checks the eight-bytes-at-a-time check against a byte
// by byte one, with every kind of byte at every place of a word.
func TestPlainASCII(t *testing.T) {
	slow := func(s string, breaks bool) bool {
		for i := 0; i < len(s); i++ {
			if c := s[i]; (c < 0x20 && !(breaks && (c == '\n' || c == '\t'))) || c >= 0x7f {
				return false
			}
		}
		return true
	}
	special := []byte{0, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x41, 0x7e, 0x7f, 0x80, 0x9f, 0xc3, 0xff}
	for n := 0; n <= 24; n++ {
		for pos := 0; pos < n; pos++ {
			for _, c := range special {
				b := []byte(strings.Repeat("a", n))
				b[pos] = c
				for _, breaks := range []bool{false, true} {
					if got, want := plainASCII(string(b), breaks), slow(string(b), breaks); got != want {
						t.Errorf("plainASCII(%q, %v) = %v, want %v", b, breaks, got, want)
					}
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		s := randomString(r, "ab \t\n\r\x00\x1f\x7f\x80\xff~", 40)
		for _, breaks := range []bool{false, true} {
			if got, want := plainASCII(s, breaks), slow(s, breaks); got != want {
				t.Fatalf("plainASCII(%q, %v) = %v, want %v", s, breaks, got, want)
			}
		}
	}
}

// TestUnescapeText checks unescapeText against a byte by byte reading of
// RFC 5545 TEXT.
func TestUnescapeText(t *testing.T) {
	slow := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c != '\\' || i+1 == len(s) {
				b.WriteByte(c)
				continue
			}
			i++
			if s[i] == 'n' || s[i] == 'N' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(s[i])
			}
		}
		return b.String()
	}
	for _, s := range []string{"", `\`, `a\`, `\\`, `\\\`, `\n\N\,\;\:`, `a\,b\\nc`, "é\\,ü"} {
		if got, want := unescapeText(s), slow(s); got != want {
			t.Errorf("unescapeText(%q) = %q, want %q", s, got, want)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		s := randomString(r, `ab\nN,;:é`, 30)
		if got, want := unescapeText(s), slow(s); got != want {
			t.Fatalf("unescapeText(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestPlainURL checks that every URL plain.URL lets skip url.Parse is one
// the full check takes, and that it takes the usual ones.
func TestPlainURL(t *testing.T) {
	slow := func(s string) string { // badURL without its fast path
		if !utf8.ValidString(s) || strings.ContainsAny(s, " \t\r\n\x00\x7f") {
			return "space or control"
		}
		return urlProblem(s)
	}
	for _, s := range []string{"https://arxiv.org/abs/1611.01838", "http://a", "https://x.y/p?q=1&r=2+3", "https://e.org/~a/_b"} {
		if !plain.URL(s) {
			t.Errorf("plain.URL(%q) = false", s)
		}
	}
	for _, s := range []string{"https://", "ftp://a.b", "HTTPS://a.b", "https://a.b:80/", "https://[::1]/", "https://a.b/%zz", "https://a.b#f", "https://a b"} {
		if plain.URL(s) {
			t.Errorf("plain.URL(%q) = true", s)
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	prefixes := []string{"https://", "http://", "https:/", "htp://", ""}
	for range 50000 {
		s := prefixes[r.IntN(len(prefixes))] + randomString(r, "aZ09.-_~/?=&+%:@#[] é", 20)
		if plain.URL(s) && slow(s) != "" {
			t.Fatalf("plain.URL(%q) = true, but the full check says %q", s, slow(s))
		}
	}
}

// TestSortOccurrences checks the sort by index against a stable sort of
// the structs, with equal keys whose input order must stay.
func TestSortOccurrences(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for n := range 60 {
		in := make([]Occurrence, n)
		for i := range in {
			in[i] = Occurrence{Start: base.Add(time.Duration(r.IntN(4)) * time.Hour),
				UID: string(rune('a' + r.IntN(3))), RecurrenceID: string(rune('x' + r.IntN(2))), Line: i}
		}
		want := slices.Clone(in)
		slices.SortStableFunc(want, func(a, b Occurrence) int {
			return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.UID, b.UID), strings.Compare(a.RecurrenceID, b.RecurrenceID))
		})
		sortOccurrences(in)
		for i := range in {
			if in[i].Line != want[i].Line {
				t.Fatalf("n=%d: position %d holds line %d, want %d", n, i, in[i].Line, want[i].Line)
			}
		}
	}
}

// TestSplitTextLines checks that splitting a TEXT value at its escaped
// line breaks and unescaping each part gives the parts of the unescaped
// value split at its line breaks, for every number of parts.
func TestSplitTextLines(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		s := randomString(r, `ab\nN,;`, 30)
		for n := 1; n <= 6; n++ {
			want := strings.SplitN(unescapeText(s), "\n", n)
			want = append(want, make([]string, n-len(want))...)
			got := make([]string, n)
			splitTextLines(s, got)
			if !slices.Equal(got, want) {
				t.Fatalf("splitTextLines(%q) in %d parts = %q, want %q", s, n, got, want)
			}
		}
	}
}

// TestWithinText checks that a TEXT value found within another's raw value
// is read, as a part of the other's text, as it reads on its own; and that
// the values our encoder repeats (an abstract within DESCRIPTION) are
// found.
func TestWithinText(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	found := 0
	for range 50000 {
		textRaw := randomString(r, "ab \\\\nN,;\xc3\xa9\t", 40)
		text := unescapeText(textRaw)
		if multiLine(text) != text {
			continue // Decode shares only a description read as it stands
		}
		i := r.IntN(len(textRaw) + 1)
		raw := textRaw[i : i+r.IntN(len(textRaw)-i+1)]
		got := withinText(raw, textRaw, text)
		if got == "" {
			continue
		}
		found++
		if want := multiLine(unescapeText(raw)); got != want {
			t.Fatalf("withinText(%q, %q) = %q, want %q", raw, textRaw, got, want)
		}
	}
	if found < 1000 {
		t.Errorf("only %d of the values were found within the other", found)
	}
	abstract := `Stochastic gradient descent (SGD)\, viz. that.\nIn practice\, optima.`
	desc := `Speaker: P (UCLA)\n\nAbstract:\n` + abstract + `\n\nAbout the speaker:\nP is.`
	if got, want := withinText(abstract, desc, unescapeText(desc)), unescapeText(abstract); got != want {
		t.Errorf("withinText of an abstract in its description = %q, want %q", got, want)
	}
}
