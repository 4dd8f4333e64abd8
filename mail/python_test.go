package mail_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/mailcheck"
	smail "github.com/seminarkit/seminar/mail"
)

// TestCompose_PythonEmail reads every composed message with Python's email
// package under email.policy.default, the parser of many list servers and
// mail tools: no defect anywhere, the subject decodes back, the parts come
// in order, and no line is longer than RFC 5322 allows.
func TestCompose_PythonEmail(t *testing.T) {
	if why := mailcheck.PythonMissing(t); why != "" {
		t.Skip(why)
	}
	msgs := map[string]*seminar.Message{
		"reminder":      seedReminder(),
		"international": international(),
	}
	for name, title := range longTitles() {
		m := international()
		m.Subject = "TALK: " + title
		msgs["long "+name] = m
	}
	cancel := seedReminder()
	cancel.Calendar.Method = "CANCEL"
	cancel.Calendar.Data = []byte("BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n")
	msgs["cancel"] = cancel
	textOnly := international()
	textOnly.HTML, textOnly.Calendar = "", nil
	msgs["text only"] = textOnly

	names := slices.Sorted(maps.Keys(msgs))
	raws := make([][]byte, len(names))
	for i, name := range names {
		raw, err := smail.Compose(msgs[name])
		require.NoError(t, err, name)
		raws[i] = raw
	}
	for i, r := range mailcheck.Python(t, raws) {
		name, m := names[i], msgs[names[i]]
		assert.Empty(t, r.Defects, "%s: Python's email package finds defects", name)
		assert.Equal(t, m.Subject, r.Subject, "%s: subject", name)
		assert.Equal(t, [][]string{{m.From.Name, m.From.Address}}, r.From, "%s: From", name)
		assert.LessOrEqual(t, r.HeaderMaxLine, 78, "%s: longest header line", name)
		assert.LessOrEqual(t, r.MaxLine, 998, "%s: longest line", name)
		if m.Calendar != nil {
			assert.Equal(t, []string{"multipart/alternative", "text/plain", "text/html", "text/calendar"},
				r.ContentTypes, "%s: parts", name)
			assert.Equal(t, []string{m.Calendar.Method}, r.Methods, "%s: calendar method", name)
		} else {
			assert.Equal(t, []string{"text/plain"}, r.ContentTypes, "%s: parts", name)
		}
	}
}
