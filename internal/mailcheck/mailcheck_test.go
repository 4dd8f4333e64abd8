package mailcheck_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/internal/mailcheck"
)

const good = "Date: Mon, 12 Jun 2017 16:00:00 -0400\r\n" +
	"From: =?utf-8?q?Z=C3=B6e?= <zoe@example.org>\r\n" +
	"To: list@example.org\r\n" +
	"Subject: =?utf-8?q?TALK:_=C3=9Cber?=\r\n" +
	"Message-ID: <1@example.org>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/alternative; boundary=b\r\n" +
	"\r\n" +
	"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=C3=9Cber\r\n" +
	"--b\r\nContent-Type: text/calendar; method=PUBLISH; charset=utf-8\r\n\r\nBEGIN:VCALENDAR\r\nDTSTAMP:20170601T000000Z\r\nEND:VCALENDAR\r\n" +
	"--b--\r\n"

func TestParse(t *testing.T) {
	m, err := mailcheck.Parse([]byte(good))
	require.NoError(t, err)
	assert.Equal(t, "TALK: Über", m.Subject)
	assert.Equal(t, "Zöe", m.From[0].Name)
	assert.Equal(t, []string{"multipart/alternative", "text/plain", "text/calendar"}, m.Types())
	require.Len(t, m.Leaves(), 2)
	assert.Equal(t, "Über", m.Leaves()[0].Body)
	require.NotNil(t, m.Part("text/calendar"))
	assert.Equal(t, "PUBLISH", m.Part("text/calendar").Params["method"])
	assert.Nil(t, m.Part("text/html"))
	clockless := m.WithoutClockReadings()
	assert.Empty(t, clockless.Header.Get("Date"))
	assert.NotContains(t, clockless.Part("text/calendar").Body, "DTSTAMP")
	assert.Contains(t, m.Part("text/calendar").Body, "DTSTAMP", "the original keeps its clock readings")
}

func TestParse_refuses(t *testing.T) {
	tests := map[string]struct{ from, to, want string }{
		"bare LF":            {"MIME-Version: 1.0\r\n", "MIME-Version: 1.0\n", "bare CR or LF"},
		"no final CRLF":      {"--b--\r\n", "--b--", "does not end with CRLF"},
		"long line":          {"\r\n\r\n=C3=9Cber\r\n", "\r\n\r\n" + strings.Repeat("x", 999) + "\r\n", "999 octets"},
		"no Date":            {"Date: Mon, 12 Jun 2017 16:00:00 -0400\r\n", "", "date"},
		"no recipient":       {"To: list@example.org\r\n", "", "a To or Cc"},
		"bad Message-ID":     {"<1@example.org>", "1@example.org", "message-id"},
		"no MIME-Version":    {"MIME-Version: 1.0\r\n", "", "mime-version"},
		"no boundary":        {"; boundary=b\r\n\r\n", "\r\n\r\n", "no boundary"},
		"unknown encoding":   {"quoted-printable", "x-uuencode", "unknown transfer encoding"},
		"undecodable part":   {"quoted-printable\r\n\r\n=C3=9Cber", "base64\r\n\r\n!!!!", "part 1"},
		"not UTF-8 text":     {"\r\n\r\n=C3=9Cber", "\r\n\r\n=C3", "not UTF-8"},
		"undecodable header": {"=?utf-8?q?TALK:_=C3=9Cber?=", "=?x-unknown?q?a?=", "subject"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			raw := strings.Replace(good, tt.from, tt.to, 1)
			require.NotEqual(t, good, raw)
			_, err := mailcheck.Parse([]byte(raw))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
