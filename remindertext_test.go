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
