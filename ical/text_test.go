package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Deep learning", "Deep learning"},
		{"specials", `a,b;c\d:e"f`, `a\,b\;c\\d:e"f`},
		{"line breaks of every system", "one\r\ntwo\rthree\nfour", `one\ntwo\nthree\nfour`},
		{"blank lines kept", "a\r\n\r\nb", `a\n\nb`},
		{"tab kept", "a\tb", "a\tb"},
		{"control characters dropped", "a\x00b\x1bc\x7fd\u0085e", "abcde"},
		{"non-ASCII kept", "Zürich – 東京 🎓", "Zürich – 東京 🎓"},
		{"invalid UTF-8 replaced", "a\xffb\xc3", "a\uFFFDb\uFFFD"},
		{"escaped newline is not a newline", `\n`, `\\n`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, string(appendText(nil, tt.in)))
		})
	}
}

func TestAppendLine(t *testing.T) {
	assert.Equal(t, `a b c\, d`, string(appendLine(nil, "a\r\nb\nc, d")))
}

func TestAppendParam(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Bolei Zhou", "Bolei Zhou"},
		{"comma is quoted", "Doe, Jane", `"Doe, Jane"`},
		{"semicolon is quoted", "a;b", `"a;b"`},
		{"colon is quoted", "https://example.org", `"https://example.org"`},
		{"double quote as apostrophe", `Jane "JJ" Doe`, `Jane 'JJ' Doe`},
		{"double quote in a quoted value", `"Doe", Jane`, `"'Doe', Jane"`},
		{"backslash as fullwidth", `a\b`, "a\uFF3Cb"},
		{"backslash before closing quote", `Doe, Jane\`, "\"Doe, Jane\uFF3C\""},
		{"caret starting an RFC 6868 escape as fullwidth", `x^n ^' ^" ^^`, "x\uFF3En \uFF3E' \uFF3E' \uFF3E^"},
		{"other carets kept", "^_^ a^b^", "^_^ a^b^"},
		{"line breaks as spaces", "a\r\nb\nc\rd", "a b c d"},
		{"control characters dropped", "a\x00b\x7f", "ab"},
		{"non-ASCII kept", "Ünïcödé", "Ünïcödé"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, string(appendParam(nil, tt.in)))
		})
	}
}

func TestAppendFolded(t *testing.T) {
	tests := []struct {
		name  string
		line  string
		lines []string
	}{
		{"short", "SUMMARY:hi", []string{"SUMMARY:hi"}},
		{"exactly 75", strings.Repeat("a", 75), []string{strings.Repeat("a", 75)}},
		{"76", strings.Repeat("a", 76), []string{strings.Repeat("a", 75), " a"}},
		{"continuations hold 74", strings.Repeat("a", 75+74+1), []string{strings.Repeat("a", 75), " " + strings.Repeat("a", 74), " a"}},
		// "é" is two octets; 74 'a's leave one octet on the first line,
		// which must not hold half of it.
		{"UTF-8 not split", strings.Repeat("a", 74) + "éé", []string{strings.Repeat("a", 74), " éé"}},
		{"four-octet rune at the boundary", strings.Repeat("a", 73) + "🎓b", []string{strings.Repeat("a", 73), " 🎓b"}},
		// A fold next to a space loses the space in readers that trim
		// line ends or continuations; one inside a word loses nothing.
		{"not next to a space", strings.Repeat("a", 70) + " word more", []string{strings.Repeat("a", 70) + " wor", " d more"}},
		{"not after a backslash", strings.Repeat("a", 74) + `\nb`, []string{strings.Repeat("a", 74), ` \nb`}},
		{"all spaces", strings.Repeat(" ", 80), []string{strings.Repeat(" ", 75), strings.Repeat(" ", 6)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(appendFolded(nil, []byte(tt.line)))
			assert.Equal(t, strings.Join(tt.lines, "\r\n")+"\r\n", got)
		})
	}
}

func TestAppendDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{time.Hour, "PT1H"},
		{90 * time.Minute, "PT1H30M"},
		{24 * time.Hour, "P1D"},
		{36*time.Hour + 30*time.Second, "P1DT12H30S"},
		{7 * 24 * time.Hour, "P7D"},
		{1500 * time.Millisecond, "PT1S"},
		{time.Millisecond, "PT0S"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(appendDuration(nil, tt.in)), "%s", tt.in)
	}
}

func TestAppendOffset(t *testing.T) {
	tests := []struct {
		in   int
		want string
	}{
		{0, "+0000"},
		{-5 * 3600, "-0500"},
		{5*3600 + 30*60, "+0530"},
		{12*3600 + 45*60, "+1245"},
		{-(44*60 + 30), "-004430"},
		{14 * 3600, "+1400"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(appendOffset(nil, tt.in)), "%d", tt.in)
	}
}

// normalizeText is what a TEXT value should read as after unescaping:
// line breaks as LF, control characters other than LF and tab gone, each
// invalid byte a U+FFFD.
func normalizeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\r':
			b.WriteByte('\n')
			if strings.HasPrefix(s[i+1:], "\n") {
				size++
			}
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r):
		default:
			b.WriteRune(r) // RuneError for an invalid byte
		}
		i += size
	}
	return b.String()
}

var textSeeds = []string{
	"", "plain", `a,b;c\d:e"f`, "a\r\nb\rc\nd", "\r\r\n\n", "\x00\x1f\x7f\u0085",
	"Zürich – 東京 🎓", "\xff\xfe\xc3", `\\n\,`, strings.Repeat("ü", 100),
}

func FuzzEscapeText(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(appendText(nil, s))
		require.True(t, utf8.ValidString(out), "output is UTF-8")
		for i := 0; i < len(out); i++ {
			c := out[i]
			require.False(t, c < 0x20 && c != '\t' || c == 0x7f, "control byte %#x in %q", c, out)
			switch c {
			case '\\':
				require.Less(t, i+1, len(out), "dangling backslash in %q", out)
				require.Contains(t, `\;,n`, string(out[i+1]), "bad escape in %q", out)
				i++
			case ';', ',':
				t.Fatalf("unescaped %q in %q", c, out)
			}
		}
		assert.Equal(t, normalizeText(s), ics.FromText(out), "golang-ical unescapes it to the input")
	})
}

func FuzzFold(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	f.Add(strings.Repeat("a", 74) + "é" + strings.Repeat("🎓", 40))
	f.Fuzz(func(t *testing.T, s string) {
		// A content line never holds a line break: values are escaped.
		line := strings.NewReplacer("\r", "", "\n", "").Replace(s)
		out := string(appendFolded(nil, []byte(line)))
		require.True(t, strings.HasSuffix(out, "\r\n"))
		physical := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
		for i, p := range physical {
			require.LessOrEqual(t, len(p), 75, "line %d of %q", i, out)
			if i > 0 {
				require.True(t, strings.HasPrefix(p, " "), "continuation starts with a space")
				p = p[1:]
			}
			if utf8.ValidString(line) {
				require.True(t, utf8.ValidString(p), "line %d splits a UTF-8 sequence: %q", i, p)
			}
		}
		assert.Equal(t, line, strings.ReplaceAll(out[:len(out)-2], "\r\n ", ""), "unfolding gives the line back")
	})
}

func FuzzEscapeParam(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	f.Add(`"Doe", Jane^\`)
	f.Fuzz(func(t *testing.T, s string) {
		out := string(appendParam(nil, s))
		require.True(t, utf8.ValidString(out))
		inner := out
		if strings.ContainsAny(s, ",;:") {
			require.True(t, len(out) >= 2 && out[0] == '"' && out[len(out)-1] == '"', "quoted: %q", out)
			inner = out[1 : len(out)-1]
		} else {
			require.False(t, strings.ContainsAny(out, ",;:"), "unquoted value holds a delimiter: %q", out)
		}
		require.NotContains(t, inner, `"`)
		require.NotContains(t, inner, `\`)
		for _, esc := range []string{"^n", "^N", "^'", "^^"} {
			require.NotContains(t, inner, esc, "an RFC 6868 reader would decode it")
		}
		// RFC 5545 3.1: a parameter value may hold WSP, tab included, and
		// no other control character.
		require.False(t, strings.ContainsFunc(inner, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }), "%q", inner)
		// Every character reads as itself or as its one lookalike.
		want := []rune(strings.ReplaceAll(normalizeText(s), "\n", " "))
		got := []rune(inner)
		require.Len(t, got, len(want), "%q from %q", inner, s)
		for i := range want {
			ok := got[i] == want[i] && !strings.ContainsRune(`"\`, want[i]) ||
				want[i] == '"' && got[i] == '\'' || want[i] == '\\' && got[i] == '\uFF3C' || want[i] == '^' && got[i] == '\uFF3E'
			require.True(t, ok, "character %d of %q written as %q", i, s, inner)
		}

		// golang-ical must read the parameter and what follows it.
		var line bytes.Buffer
		line.WriteString("X-P;A=")
		line.WriteString(out)
		line.WriteString(";B=b:v")
		p, err := ics.ParseProperty(ics.ContentLine(line.String()))
		require.NoError(t, err, line.String())
		require.NotNil(t, p, line.String())
		assert.Equal(t, []string{"b"}, p.ICalParameters["B"], line.String())
		assert.Equal(t, "v", p.Value)
	})
}
