package seminar

import (
	"bytes"
	"strings"
	"testing"
	texttemplate "text/template"

	"github.com/stretchr/testify/require"
)

// writeReminderText writes what the default text template writes, byte
// for byte, for events that differ in every way the template looks at and
// for every kind of message.
func TestWriteReminderText_sameAsDefaultTemplate(t *testing.T) {
	defaults, err := ParseReminderTemplates("", "")
	require.NoError(t, err)
	for _, rv := range reminderViews(t, variedEvents(t, 500)) {
		data := newReminderData(rv)
		var want, got bytes.Buffer
		require.NoError(t, defaults.Text.Execute(&want, data))
		writeReminderText(&got, data)
		require.Equal(t, want.String(), got.String(), "the text of %s (%s)", rv.ID, rv.Kind)
	}
}

// The default subject is written as executing DefaultSubject writes it.
func TestRenderSubject_defaultAsExecuted(t *testing.T) {
	tmpl, err := texttemplate.New("subject").Option("missingkey=error").Parse(DefaultSubject)
	require.NoError(t, err)
	titles := []string{"", "Deep nets", "  Spaced \t out  ", "Größen & <Grenzen> {{.Title}}", "日本語の講演"}
	for _, e := range variedEvents(t, 40) {
		for _, title := range titles {
			e.Title, e.Reminders.Subject = title, ""
			v := &View{Event: e}
			var want strings.Builder
			require.NoError(t, tmpl.Execute(&want, v))
			got, err := renderSubject(v)
			require.NoError(t, err)
			require.Equal(t, strings.Join(strings.Fields(want.String()), " "), got, "the subject of %q", title)
		}
	}
}

// writeReminderHTML writes what the default HTML template writes, byte for
// byte, escaping included: for varied events, every kind of message, and
// values that need escaping in text, in attributes and in URLs.
func TestWriteReminderHTML_sameAsDefaultTemplate(t *testing.T) {
	defaults, err := ParseReminderTemplates("", "")
	require.NoError(t, err)
	urls := []string{"https://example.org/a b?q=1&r=2+3'\"<>#f", "javascript:alert(1)", "HTTP://x.org/é%zz%41%4", "mailto:a@b.org",
		"/relative/path?x=(1)", "ftp://x.org/", "https://例え.jp/パス", "https://x.org/\x00\t~"}
	odd := []string{"O'Brien & \"Sons\" <b>", "a+b\x00c", "Zoë 日本", "", "plain"}
	events := variedEvents(t, 300)
	for i, e := range events {
		if i%2 == 0 {
			continue
		}
		e.Location.URL = urls[i%len(urls)]
		e.Contact = Person{Name: odd[i%len(odd)], Email: []string{"", "a+b@例え.jp", "o'b@x.org", "x y@z.org"}[i%4]}
		e.Host.Name = odd[(i+1)%len(odd)]
		e.CancelReason = odd[(i+2)%len(odd)]
		for j := range e.Speakers {
			e.Speakers[j].URL = urls[(i+j)%len(urls)]
			e.Speakers[j].Affiliation = odd[(i+j)%len(odd)]
		}
		for j := range e.Links {
			e.Links[j].URL = urls[(i+j+1)%len(urls)]
			e.Links[j].Label = odd[(i+j)%len(odd)]
		}
	}
	for _, rv := range reminderViews(t, events) {
		rv.Note = "the place is now <32-G449> & \"Kiva\""
		data := newReminderData(rv)
		var want, got bytes.Buffer
		require.NoError(t, defaults.HTML.Execute(&want, data))
		writeReminderHTML(&got, data)
		require.Equal(t, want.String(), got.String(), "the HTML of %s (%s)", rv.ID, rv.Kind)
	}
}

// wrap gives what wrapLines gives, for lines that fit as they are and for
// any other.
func TestWrap_fitsAsIs(t *testing.T) {
	inputs := []string{"", " ", "a", "a b", "a  b", " a", "a ", "a\tb", "a\u00a0b", "a\nb", "a\rb", "Zoë", "x\x7f",
		"Date: Monday, June 12, 2017", "Time: 4:00 PM to 5:00 PM (all times are in the Eastern Time Zone)",
		strings.Repeat("word ", 14) + "word", strings.Repeat("word ", 15) + "x", strings.Repeat("x", 72), strings.Repeat("x", 73),
		"Speaker: Pratik Chaudhari (UCLA)", "(a parenthetical that is long (nested) here)"}
	for _, e := range variedEvents(t, 50) {
		inputs = append(inputs, e.Title, e.Abstract, e.Location.Address, "Location: "+e.Location.Room+", "+e.Location.Building)
	}
	for _, s := range inputs {
		for _, width := range []int{1, 5, 30, 72} {
			require.Equal(t, wrapLines(width, s), wrap(width, s), "wrap(%d, %q)", width, s)
		}
	}
}
