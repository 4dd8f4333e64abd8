package mail_test

import (
	"bytes"
	"flag"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/mailcheck"
	smail "github.com/seminarkit/seminar/mail"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func TestCompose_Structure(t *testing.T) {
	cancel := seedReminder()
	cancel.Subject = "CANCELLED: " + strings.TrimPrefix(cancel.Subject, "TALK: ")
	cancel.Calendar.Method = "CANCEL"
	cancel.Calendar.Data = bytes.Replace(cancel.Calendar.Data, []byte("METHOD:PUBLISH"), []byte("METHOD:CANCEL"), 1)
	cancel.HTML = ""

	textOnly := seedReminder()
	textOnly.HTML, textOnly.Calendar = "", nil

	noCalendar := seedReminder()
	noCalendar.Calendar = nil

	tests := []struct {
		name   string
		msg    *seminar.Message
		types  []string
		method string
	}{
		{"reminder", seedReminder(), []string{"multipart/alternative", "text/plain", "text/html", "text/calendar"}, "PUBLISH"},
		{"cancellation without HTML", cancel, []string{"multipart/alternative", "text/plain", "text/calendar"}, "CANCEL"},
		{"no calendar", noCalendar, []string{"multipart/alternative", "text/plain", "text/html"}, ""},
		{"text only", textOnly, []string{"text/plain"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := smail.Compose(tt.msg)
			require.NoError(t, err)
			p := mailcheck.Require(t, raw)
			assert.Equal(t, tt.types, p.Types(), "MIME structure")

			byType := map[string]mailcheck.Part{}
			for _, l := range p.Leaves() {
				byType[l.Type] = l
			}
			assert.Equal(t, crlf(tt.msg.Text), byType["text/plain"].Body, "the text part decodes to Text")
			assert.Equal(t, "utf-8", byType["text/plain"].Params["charset"])
			if tt.msg.HTML != "" {
				assert.Equal(t, crlf(tt.msg.HTML), byType["text/html"].Body, "the HTML part decodes to HTML")
			}
			if tt.method == "" {
				return
			}
			cal := byType["text/calendar"]
			assert.Equal(t, tt.method, cal.Params["method"], "Content-Type method")
			assert.Equal(t, "utf-8", cal.Params["charset"])
			assert.Equal(t, string(tt.msg.Calendar.Data), cal.Body, "the calendar part is the calendar, byte for byte")
			assert.Contains(t, cal.Body, "METHOD:"+tt.method+"\r\n")
			assert.Equal(t, "talk.ics", cal.Params["name"], "a client that lists the calendar as a file names it")
			assert.Empty(t, cal.Header.Get("Content-Disposition"), "the calendar is an alternative, not an attachment")
		})
	}
}

func TestCompose_Header(t *testing.T) {
	msg := seedReminder()
	raw, err := smail.Compose(msg)
	require.NoError(t, err)
	p := mailcheck.Require(t, raw)

	date, err := p.Header.Date()
	require.NoError(t, err)
	assert.True(t, msg.Date.Equal(date), "Date %v, want %v", date, msg.Date)
	assert.Equal(t, "<"+msg.MessageID+">", p.Header.Get("Message-ID"))
	assert.Equal(t, "1.0", p.Header.Get("MIME-Version"))
	assert.Equal(t, msg.Subject, p.Subject)
	for _, h := range msg.Headers {
		assert.Equal(t, h.Value, p.Header.Get(h.Name), "header %s", h.Name)
	}

	var names []string
	for _, line := range headerLines(raw) {
		if name, _, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, " ") {
			names = append(names, name)
		}
	}
	assert.Equal(t, []string{"Date", "From", "Reply-To", "To", "Subject", "Message-ID",
		"Auto-Submitted", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post",
		"MIME-Version", "Content-Type"}, names, "header fields in a fixed order, Message.Headers in theirs")
}

func TestCompose_NonASCII(t *testing.T) {
	msg := international()
	raw, err := smail.Compose(msg)
	require.NoError(t, err)
	assert.True(t, isASCII(raw), "the message is 7-bit: every non-ASCII character is encoded")
	p := mailcheck.Require(t, raw)

	assert.Equal(t, msg.Subject, p.Subject)
	from, err := p.Header.AddressList("From")
	require.NoError(t, err)
	assert.Equal(t, []*mail.Address{&msg.From}, from)
	to, err := p.Header.AddressList("To")
	require.NoError(t, err)
	assert.Equal(t, []*mail.Address{&msg.To[0], &msg.To[1]}, to)
	cc, err := p.Header.AddressList("Cc")
	require.NoError(t, err)
	assert.Equal(t, []*mail.Address{&msg.Cc[0], &msg.Cc[1]}, cc)
	replyTo, err := p.Header.AddressList("Reply-To")
	require.NoError(t, err)
	assert.Equal(t, []*mail.Address{msg.ReplyTo}, replyTo)
	listID, err := p.Decode("List-Id")
	require.NoError(t, err)
	assert.Equal(t, msg.Headers[1].Value, listID)
	assert.Equal(t, crlf(msg.Text), p.Leaves()[0].Body)
	assert.Equal(t, crlf(msg.HTML), p.Leaves()[1].Body)
}

// longTitles are 300-character titles: folding must keep every header line
// within 78 octets and the subject must decode back whole.
func longTitles() map[string]string {
	repeat := func(s string) string {
		r := []rune(strings.Repeat(s, 300))
		return string(r[:300])
	}
	return map[string]string{
		"ascii":       repeat("Energy landscapes of deep networks "),
		"german":      repeat("Über die Größe schöner Äpfel "),
		"russian":     repeat("Энергетический ландшафт глубоких сетей "),
		"japanese":    repeat("深層ニューラルネットワークのエネルギー地形"),
		"emoji":       repeat("🧠📈 "),
		"long words":  repeat("Supercalifragilisticexpialidocious-energy-landscapes-of-deep-neural-networks-and-beyond "),
		"one word":    repeat("x"),
		"odd spaces":  " " + repeat("a  b   ") + " ",
		"encoded-ish": repeat("=?utf-8?q?not_encoded?= "),
	}
}

func TestCompose_LongSubject(t *testing.T) {
	for name, title := range longTitles() {
		t.Run(name, func(t *testing.T) {
			msg := seedReminder()
			msg.Subject = "TALK: " + title
			raw, err := smail.Compose(msg)
			require.NoError(t, err)
			for _, line := range headerLines(raw) {
				assert.LessOrEqual(t, len(line), 78, "header line %q", line)
			}
			p := mailcheck.Require(t, raw)
			assert.Equal(t, msg.Subject, p.Subject, "the subject decodes back")
		})
	}
}

func TestCompose_LongName(t *testing.T) {
	msg := seedReminder()
	msg.From.Name = strings.Repeat("Jérôme ", 40) + "Dupont"
	msg.To[0].Name = strings.Repeat("Smith ", 150) // ASCII: quoted, cannot be folded
	raw, err := smail.Compose(msg)
	require.NoError(t, err)
	for _, line := range headerLines(raw) {
		assert.LessOrEqual(t, len(line), 998, "header line %.40q...", line)
	}
	p := mailcheck.Require(t, raw)
	from, err := p.Header.AddressList("From")
	require.NoError(t, err)
	assert.Equal(t, msg.From.Name, from[0].Name)
	to, err := p.Header.AddressList("To")
	require.NoError(t, err)
	assert.Equal(t, msg.To[0].Name, to[0].Name)

	msg.To[0].Name = strings.Repeat("Smith ", 200)
	_, err = smail.Compose(msg)
	assert.ErrorIs(t, err, seminar.ErrInvalid, "a name that cannot fit in 998 octets is refused")
}

// TestCompose_RefusesControlCharacters puts a CR, LF and other control
// characters in every single-line field: each must be refused before it can
// start a header of its own.
func TestCompose_RefusesControlCharacters(t *testing.T) {
	fields := map[string]func(m *seminar.Message, s string){
		"from name":         func(m *seminar.Message, s string) { m.From.Name = "Seminars" + s },
		"from address":      func(m *seminar.Message, s string) { m.From.Address = "seminars@csail.mit.edu" + s },
		"to name":           func(m *seminar.Message, s string) { m.To[1].Name = "List" + s },
		"to address":        func(m *seminar.Message, s string) { m.To[1].Address = "list@example.org" + s },
		"cc name":           func(m *seminar.Message, s string) { m.Cc = []mail.Address{{Name: "A" + s, Address: "a@example.org"}} },
		"reply-to name":     func(m *seminar.Message, s string) { m.ReplyTo.Name = "Bolei" + s },
		"reply-to address":  func(m *seminar.Message, s string) { m.ReplyTo.Address = "b@example.org" + s },
		"subject":           func(m *seminar.Message, s string) { m.Subject = "TALK: x" + s },
		"message-id":        func(m *seminar.Message, s string) { m.MessageID = "a" + s + "@example.org" },
		"header name":       func(m *seminar.Message, s string) { m.Headers[0].Name = "X-A" + s },
		"header value":      func(m *seminar.Message, s string) { m.Headers[1].Value = "<talks.example.org>" + s },
		"calendar filename": func(m *seminar.Message, s string) { m.Calendar.Filename = "talk" + s + ".ics" },
		"calendar method":   func(m *seminar.Message, s string) { m.Calendar.Method = "PUBLISH" + s },
	}
	injections := map[string]string{
		"CRLF header": "\r\nBcc: victim@example.org",
		"LF header":   "\nBcc: victim@example.org",
		"CR":          "\rX",
		"NUL":         "\x00",
		"TAB":         "\t",
		"DEL":         "\x7f",
		"C1 NEL":      "\u0085",
		"bad UTF-8":   "\xff",
	}
	_, err := smail.Compose(seedReminder())
	require.NoError(t, err, "the message composes before a field is spoiled")
	for field, set := range fields {
		for name, bad := range injections {
			t.Run(field+"/"+name, func(t *testing.T) {
				msg := seedReminder()
				set(msg, bad)
				raw, err := smail.Compose(msg)
				assert.ErrorIs(t, err, seminar.ErrInvalid)
				assert.Nil(t, raw, "no bytes for a message that could not be composed safely")
				if err != nil {
					assert.True(t, strings.HasPrefix(err.Error(), "mail: compose: "), "error %q", err)
				}
			})
		}
	}
}

func TestCompose_RefusesInvalidMessages(t *testing.T) {
	tests := map[string]func(m *seminar.Message){
		"nil message":              nil,
		"no recipient":             func(m *seminar.Message) { m.To = nil },
		"no from":                  func(m *seminar.Message) { m.From = mail.Address{} },
		"address with a name":      func(m *seminar.Message) { m.To[0].Address = "Jane <jane@example.org>" },
		"address without @":        func(m *seminar.Message) { m.To[0].Address = "jane" },
		"non-ASCII address":        func(m *seminar.Message) { m.To[0].Address = "jérôme@example.org" },
		"zero date":                func(m *seminar.Message) { m.Date = time.Time{} },
		"message-id in brackets":   func(m *seminar.Message) { m.MessageID = "<a@example.org>" },
		"message-id without @":     func(m *seminar.Message) { m.MessageID = "a.example.org" },
		"non-ASCII message-id":     func(m *seminar.Message) { m.MessageID = "a@séminaire.example.org" },
		"empty text":               func(m *seminar.Message) { m.Text = "" },
		"invalid UTF-8 in HTML":    func(m *seminar.Message) { m.HTML = "<p>\xff</p>" },
		"Subject among Headers":    func(m *seminar.Message) { m.Headers[0].Name = "subject" },
		"Bcc among Headers":        func(m *seminar.Message) { m.Headers[0] = seminar.Header{Name: "Bcc", Value: "x@example.org"} },
		"Content-Type in Headers":  func(m *seminar.Message) { m.Headers[0].Name = "Content-Type" },
		"header name with a colon": func(m *seminar.Message) { m.Headers[0].Name = "X-A:B" },
		"method not in calendar":   func(m *seminar.Message) { m.Calendar.Method = "CANCEL" },
		"lower-case method":        func(m *seminar.Message) { m.Calendar.Method = "publish" },
		"calendar without METHOD": func(m *seminar.Message) {
			m.Calendar.Data = bytes.Replace(m.Calendar.Data, []byte("METHOD:PUBLISH\r\n"), nil, 1)
		},
		"filename with a slash":   func(m *seminar.Message) { m.Calendar.Filename = "../talk.ics" },
		"header too long to fold": func(m *seminar.Message) { m.Headers[2].Value = "<https://x/" + strings.Repeat("a", 1000) + ">" },
	}
	for name, spoil := range tests {
		t.Run(name, func(t *testing.T) {
			var msg *seminar.Message
			if spoil != nil {
				msg = seedReminder()
				spoil(msg)
			}
			raw, err := smail.Compose(msg)
			assert.ErrorIs(t, err, seminar.ErrInvalid)
			assert.Nil(t, raw)
		})
	}
}

// TestCompose_CarriesHTML checks that the HTML the root rendered, with a
// user's markup escaped, arrives as it was, and the text as plain text.
func TestCompose_CarriesHTML(t *testing.T) {
	msg := seedReminder()
	msg.Text = "Title: <script>alert(1)</script> & \"friends\"\n"
	msg.HTML = "<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;friends&#34;</h1>\n"
	raw, err := smail.Compose(msg)
	require.NoError(t, err)
	p := mailcheck.Require(t, raw)
	assert.Equal(t, "text/plain", p.Leaves()[0].Type)
	assert.Equal(t, crlf(msg.Text), p.Leaves()[0].Body)
	assert.Equal(t, "text/html", p.Leaves()[1].Type)
	assert.Equal(t, crlf(msg.HTML), p.Leaves()[1].Body)
	assert.NotContains(t, p.Leaves()[1].Body, "<script>", "the escaped value stays escaped")
}

func TestCompose_Deterministic(t *testing.T) {
	first, err := smail.Compose(seedReminder())
	require.NoError(t, err)
	for range 20 {
		again, err := smail.Compose(seedReminder())
		require.NoError(t, err)
		require.Equal(t, string(first), string(again), "the same Message gives the same bytes")
	}
	m, err := smail.New(smail.Options{})
	require.NoError(t, err)
	viaMailer, err := m.Compose(seedReminder())
	require.NoError(t, err)
	assert.Equal(t, first, viaMailer, "Mailer.Compose is Compose")
	viaRecorder, err := new(smail.Recorder).Compose(seedReminder())
	require.NoError(t, err)
	assert.Equal(t, first, viaRecorder, "Recorder.Compose is Compose")

	other := seedReminder()
	other.MessageID = "other@csail.mit.edu"
	second, err := smail.Compose(other)
	require.NoError(t, err)
	assert.NotEqual(t, boundaryOf(t, first), boundaryOf(t, second), "boundaries follow the Message-ID")
}

func boundaryOf(t *testing.T, raw []byte) string {
	p := mailcheck.Require(t, raw)
	ct := p.Header.Get("Content-Type")
	_, b, ok := strings.Cut(ct, "boundary=")
	require.True(t, ok, "Content-Type %q has a boundary", ct)
	return b
}

// TestCompose_Golden pins the bytes of the seed reminder; run with -update
// after a deliberate change and review the diff.
func TestCompose_Golden(t *testing.T) {
	for name, msg := range map[string]*seminar.Message{
		"reminder.eml":      seedReminder(),
		"international.eml": international(),
	} {
		t.Run(name, func(t *testing.T) {
			raw, err := smail.Compose(msg)
			require.NoError(t, err)
			path := filepath.Join("testdata", name)
			if *update {
				require.NoError(t, os.WriteFile(path, raw, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -update to write the golden file")
			assert.Equal(t, string(want), string(raw))
		})
	}
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
