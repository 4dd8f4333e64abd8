package seminar

import (
	"bytes"
	"testing"

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
