package ical_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/ical"
)

// descriptionOf decodes one VEVENT with the given DESCRIPTION and other
// lines, and returns its occurrence's Description.
func descriptionOf(t *testing.T, lines ...string) string {
	t.Helper()
	all := append([]string{"BEGIN:VEVENT", "UID:html@example.org", "SUMMARY:s", "DTSTART:20250107T210000Z"}, lines...)
	res := decodeString(t, wrapVEvents(append(all, "END:VEVENT")...), nil)
	require.Len(t, res.Occurrences, 1, "%v", res.Skipped)
	return res.Occurrences[0].Description
}

func TestDecode_HTMLDescription(t *testing.T) {
	tests := []struct{ name, value, want string }{
		{"Google's bold, breaks and links",
			`<b>Speaker:</b> Pratik Chaudhari (UCLA)<br><br>Paper: <a href="https://arxiv.org/abs/1611.01838">Entropy-SGD</a><br>Slides: <a href="https://example.org/s.pdf">https://example.org/s.pdf</a>`,
			"Speaker: Pratik Chaudhari (UCLA)\n\nPaper: Entropy-SGD (https://arxiv.org/abs/1611.01838)\nSlides: https://example.org/s.pdf"},
		{"Google's redirect is its target",
			`Join: <a href="https://www.google.com/url?q=https://mit.zoom.us/j/123&amp;sa=D&amp;source=calendar&amp;usg=AOvVaw">https://mit.zoom.us/j/123</a>`,
			"Join: https://mit.zoom.us/j/123"},
		{"entities and no-break spaces", `Q&amp;A&nbsp;after the talk &lt;30 min&gt;`, "Q&A after the talk <30 min>"},
		{"html-blob and lists", `<html-blob>Topics:<ul><li>SGD</li><li>Flat minima</li></ul>Bring a laptop.</html-blob>`,
			"Topics:\n\n- SGD\n- Flat minima\n\nBring a laptop."},
		{"paragraphs, and source line breaks as spaces", "<p>First\nparagraph.</p>\n<p>Second.</p>", "First paragraph.\n\nSecond."},
		{"line breaks kept when no tag breaks lines", "Line one\nLine <b>two</b>", "Line one\nLine two"},
		{"a mailto link", `Contact <a href="mailto:jane@example.org">Jane</a> or <a href="mailto:bob@example.org">bob@example.org</a>`,
			"Contact Jane (jane@example.org) or bob@example.org"},
		{"a link without a URL to follow keeps its text", `<a href="javascript:alert(1)">click</a> <a href="#top">top</a>`, "click top"},
		{"a link whose text is the URL without its scheme", `<a href="https://example.org/">example.org</a>`, "https://example.org/"},
		{"scripts, styles and comments are left out", `<style>p{color:red}</style><script>alert(1)</script><!-- note -->Visible`, "Visible"},
		{"plain text with a < is not HTML", `if a < b and b > c, <insert title>`, "if a < b and b > c, <insert title>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			value := strings.NewReplacer("\\", "\\\\", ";", "\\;", ",", "\\,", "\n", "\\n").Replace(tt.value)
			assert.Equal(t, tt.want, descriptionOf(t, "DESCRIPTION:"+value))
		})
	}
}

func TestDecode_AltDescription(t *testing.T) {
	outlook := `X-ALT-DESC;FMTTYPE=text/html:<html><head><style>p.MsoNormal{margin:0}</style></head><body><p class=MsoNormal>Talk by <b>Jane</b>.</p><p class=MsoNormal>Room 32-D507</p></body></html>`
	assert.Equal(t, "Talk by Jane.\n\nRoom 32-D507", descriptionOf(t, outlook),
		"without DESCRIPTION, Outlook's HTML description is the text")
	assert.Equal(t, "Plain text", descriptionOf(t, "DESCRIPTION:Plain text", outlook),
		"with one, DESCRIPTION is the text: Outlook writes both")
}

func TestDecode_HTMLDescriptionOfOurs(t *testing.T) {
	got := descriptionOf(t, "DESCRIPTION:Use <b>bold</b> here", "X-SEMINAR-ABSTRACT:Use <b>bold</b> here")
	assert.Equal(t, "Use <b>bold</b> here", got, "our encoder writes text: what looks like a tag in it is text")
}

// FuzzHTMLText checks that converting any HTML to text never panics and
// gives text a seminar field can hold: valid UTF-8 when the input is,
// no CR, no space at either end, no two blank lines in a row.
func FuzzHTMLText(f *testing.F) {
	for _, s := range []string{
		`<b>Speaker:</b> Jane<br><a href="https://www.google.com/url?q=https://x.org&amp;sa=D">https://x.org</a>`,
		`<ul><li>a<li>b</ul><p>c</p><table><tr><td>1<td>2</table>`,
		`<a href="mailto:a@b.org">a@b.org</a><a href=x><a href=https://y.org>nested</a>`,
		"<style>x</style><script>y<!--</script>z</script>\r\n&nbsp;&#0;&#xD800;",
		`<html-blob><u></u>text</html-blob><plaintext><b>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ical.HTMLTextForTest(s)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 from valid input: %q", got)
		}
		if strings.Contains(got, "\r") || strings.TrimSpace(got) != got || strings.Contains(got, "\n\n\n") {
			t.Fatalf("badly spaced text %q", got)
		}
	})
}
