package mail_test

import (
	"bytes"
	"mime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/internal/mailcheck"
	smail "github.com/seminarkit/seminar/mail"
)

// Each part goes in the transfer encoding that suits it: as it is when it
// is ASCII in short lines, which keeps a reminder small and its source
// readable, else the shorter of quoted-printable and base64. Whatever the
// encoding, the part decodes to its text with CRLF line breaks.
func TestCompose_TransferEncoding(t *testing.T) {
	_, params, err := mime.ParseMediaType(mailcheck.Require(t, mustCompose(t, seedReminder().Text)).Header.Get("Content-Type"))
	require.NoError(t, err)
	delimiter := "--" + params["boundary"]
	tests := []struct {
		name, text, want string
	}{
		{"ASCII wrapped at 72 columns", seedReminder().Text, "7bit"},
		{"a line of 78 octets", strings.Repeat("x", 78) + "\n", "7bit"},
		{"a line of 79 octets", strings.Repeat("x", 79) + "\n", "quoted-printable"},
		{"the abstract on one line", seedAbstract + "\n", "quoted-printable"},
		{"accents", "Vortrag: Über die Energielandschaft\nOrt: Salle Jaurès, 45 rue d'Ulm\n", "quoted-printable"},
		{"mostly Japanese", strings.Repeat("深層ニューラルネットワークのエネルギー地形\n", 5), "base64"},
		{"a line that is the boundary's delimiter", "Before\n" + delimiter + "\nContent-Type: text/html\n\n<b>injected</b>\n" + delimiter + "--\n", "quoted-printable"},
		{"a control character", "Title\x00\n", "quoted-printable"},
		{"a tab", "Title:\tEnergy\n", "7bit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := mustCompose(t, tt.text)
			p := mailcheck.Require(t, raw)
			assert.Equal(t, []string{"multipart/alternative", "text/plain", "text/html", "text/calendar"}, p.Types(),
				"the text cannot add or break a part")
			text := p.Part("text/plain")
			require.NotNil(t, text)
			assert.Equal(t, tt.want, text.Header.Get("Content-Transfer-Encoding"))
			assert.Equal(t, crlf(tt.text), text.Body, "the part decodes to the text, line breaks as CRLF")
			if tt.want == "7bit" {
				assert.Contains(t, string(raw), crlf(tt.text), "a 7bit part is the text as it is")
			}
		})
	}
}

func TestCompose_LineBreaks(t *testing.T) {
	text := mailcheck.Require(t, mustCompose(t, "one\rtwo\nthree\r\nfour")).Part("text/plain")
	require.NotNil(t, text)
	assert.Equal(t, "one\r\ntwo\r\nthree\r\nfour", text.Body, "CR, LF and CRLF are each a line break, written CRLF")
}

// The seed reminder's calendar, folded at 75 octets, goes as it is.
func TestCompose_CalendarIsSevenBit(t *testing.T) {
	msg := seedReminder()
	raw, err := smail.Compose(msg)
	require.NoError(t, err)
	cal := mailcheck.Require(t, raw).Part("text/calendar")
	require.NotNil(t, cal)
	assert.Equal(t, "7bit", cal.Header.Get("Content-Transfer-Encoding"))
	assert.True(t, bytes.Contains(raw, msg.Calendar.Data), "the calendar's bytes are in the message as they are")
}

func mustCompose(t *testing.T, text string) []byte {
	t.Helper()
	msg := seedReminder()
	msg.Text = text
	raw, err := smail.Compose(msg)
	require.NoError(t, err)
	return raw
}
