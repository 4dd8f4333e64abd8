package mail

import (
	"mime"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCalendarType_sameAsFormatMediaType(t *testing.T) {
	names := []string{"invite.ics", "talk.ics", "x y.ics", "a=b.ics", "a\"b", "é.ics", "(x).ics", "a;b", "a@b", "a\\b",
		"talk-2017_06.ICS", "~!#$%&'*+^`{|}", "a\tb", "a:b", "[x]", "?"}
	names = append(names, variedTexts()[:500]...)
	for _, name := range names {
		for _, method := range []string{"PUBLISH", "CANCEL", "X-CUSTOM-1"} {
			want := mime.FormatMediaType("text/calendar", map[string]string{"charset": "utf-8", "method": method, "name": name})
			require.Equal(t, want, calendarType(method, name), "Content-Type of %s %q", method, name)
		}
	}
}
