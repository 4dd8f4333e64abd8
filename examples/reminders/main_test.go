package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
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
	"github.com/seminarkit/seminar/internal/smtptest"
	"github.com/seminarkit/seminar/store/sqlite"
)

// juneTalks are talks like the quickstart's: one already over when they
// were entered, four ahead.
func juneTalks(t testing.TB) []*seminar.Event {
	return []*seminar.Event{
		talk(t, "Learning to see by moving", 5, 11),
		talk(t, "A picture of the energy landscape of deep neural networks", 12, 16),
		talk(t, "Scene understanding from a single image", 16, 13),
		talk(t, "Thesis defense: Verified storage systems", 22, 10),
		talk(t, "Interfaces that explain themselves", 28, 16),
	}
}

func TestRun_list(t *testing.T) {
	talks := juneTalks(t)
	// Stored out of order, to see that -list sorts by start.
	talks[0], talks[3] = talks[3], talks[0]
	db, stored := newDB(t, enteredAt, talks...)
	store, err := sqlite.Open(context.Background(), db, nil)
	require.NoError(t, err)
	cal, err := seminar.New(store, nil)
	require.NoError(t, err)
	_, err = cal.Cancel(context.Background(), stored[1].ID, "The speaker is ill.")
	require.NoError(t, err)
	require.NoError(t, store.Close())

	byTitle := map[string]string{}
	for _, e := range stored {
		byTitle[e.Title] = e.ID
	}
	r := runCmd(t, "-db", db, "-list")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, strings.Join([]string{
		byTitle["Learning to see by moving"] + "\t2017-06-05T11:00:00-04:00\tLearning to see by moving",
		byTitle["Scene understanding from a single image"] + "\t2017-06-16T13:00:00-04:00\tScene understanding from a single image",
		byTitle["Thesis defense: Verified storage systems"] + "\t2017-06-22T10:00:00-04:00\tThesis defense: Verified storage systems",
		byTitle["Interfaces that explain themselves"] + "\t2017-06-28T16:00:00-04:00\tInterfaces that explain themselves",
	}, "\n")+"\n", r.stdout, "one line per talk, ordered by start, the cancelled one left out, nothing else")
	assert.Empty(t, r.stderr)
}

func TestRun_listPages(t *testing.T) {
	var talks []*seminar.Event
	for i := range seminar.MaxPageSize + 3 {
		e := talk(t, fmt.Sprintf("Talk %04d", i), 20, 9)
		e.Start, e.End = e.Start.Add(time.Duration(i)*time.Minute), e.End.Add(time.Duration(i)*time.Minute)
		talks = append(talks, e)
	}
	db, _ := newDB(t, enteredAt, talks...)
	r := runCmd(t, "-db", db, "-list")
	require.Equal(t, exitOK, r.code, r.stderr)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	require.Len(t, lines, len(talks), "every talk, past the first page")
	for i, line := range lines {
		assert.True(t, strings.HasSuffix(line, fmt.Sprintf("\tTalk %04d", i)), "line %d: %q", i, line)
	}
}

// beforeTalks is a clock for -now at which the test talks after June 10
// are ahead, so that -send sends them without -force.
const beforeTalks = "2017-06-10T12:00:00Z"

func TestRun_previewIsWhatSendDelivers(t *testing.T) {
	const from = "Seminar Robot <robot@lab.example.edu>"
	for _, clock := range []struct {
		name            string
		preview, sendAt string
	}{
		{"same clock", beforeTalks, beforeTalks},
		{"clock moved on", beforeTalks, "2017-06-11T13:45:00Z"},
	} {
		t.Run(clock.name, func(t *testing.T) {
			db, stored := newDB(t, enteredAt, juneTalks(t)...)
			id := stored[1].ID
			ts := startServer(t, &smtptest.Options{TLS: smtptest.Plaintext})

			// No -smtp: the preview needs no mail server.
			pre := runCmd(t, "-db", db, "-from", from, "-now", clock.preview, "-preview", id)
			require.Equal(t, exitOK, pre.code, pre.stderr)
			assert.Contains(t, pre.stderr, "2 recipients (seminars@csail.mit.edu, vision-meeting@csail.mit.edu)")
			assert.Contains(t, pre.stderr, "envelope sender <robot@lab.example.edu>")
			assert.Empty(t, ts.Received(), "a preview sends nothing")

			sent := runCmd(t, "-db", db, "-from", from, "-smtp", ts.Addr, "-insecure", "-now", clock.sendAt, "-send", id)
			require.Equal(t, exitOK, sent.code, sent.stderr)
			got := ts.Received()
			require.Len(t, got, 1, "one reminder is one message")
			assert.Equal(t, "robot@lab.example.edu", got[0].From, "the envelope sender is -from")
			assert.Equal(t, lists, got[0].To, "every list of the talk in one transaction")

			want, err := mailcheck.Parse([]byte(pre.stdout))
			require.NoError(t, err, "the preview is a message:\n%s", pre.stdout)
			have, err := mailcheck.Parse(got[0].Data)
			require.NoError(t, err)
			assert.Equal(t, want.WithoutClockReadings(), have.WithoutClockReadings(),
				"the preview is the message sent, part by part, but for Date and DTSTAMP")
			if clock.preview == clock.sendAt {
				assert.Equal(t, pre.stdout, string(got[0].Data), "at the same instant, byte for byte")
			} else {
				assert.NotEqual(t, want.Header.Get("Date"), have.Header.Get("Date"), "the Date is the send's")
			}

			assert.Equal(t, []*mail.Address{{Name: "Seminar Robot", Address: "robot@lab.example.edu"}}, have.From, "the From header is -from")
			messageID := have.Header.Get("Message-Id")
			assert.Equal(t, "<"+id+".manual.s0@lab.example.edu>", messageID, "Message-IDs are in the domain of -from")
			assert.Equal(t, "TALK: A picture of the energy landscape of deep neural networks", have.Subject)
			assert.Contains(t, sent.stdout, messageID)
			assert.Contains(t, sent.stdout, "to 2 recipients")
			cal := have.Part("text/calendar")
			require.NotNil(t, cal)
			assert.Equal(t, "PUBLISH", cal.Params["method"])
			assert.Contains(t, cal.Body, "UID:"+stored[1].UID+"\r\n")
		})
	}
}

func TestRun_sendOnceUnlessForced(t *testing.T) {
	db, stored := newDB(t, enteredAt, juneTalks(t)...)
	id := stored[1].ID
	ts := startServer(t, &smtptest.Options{TLS: smtptest.Plaintext})
	send := func(extra ...string) result {
		return runCmd(t, append([]string{"-db", db, "-smtp", ts.Addr, "-insecure", "-now", beforeTalks, "-send", id}, extra...)...)
	}

	first := send()
	require.Equal(t, exitOK, first.code, first.stderr)
	second := send()
	assert.Equal(t, exitFailure, second.code)
	assert.Contains(t, second.stderr, "reminder already sent")
	assert.Contains(t, second.stderr, "(for sequence 0, sent)")
	assert.Contains(t, second.stderr, "-force sends it again")
	assert.Empty(t, second.stdout)
	require.Len(t, ts.Received(), 1, "the same reminder is not sent twice without -force")

	forced := send("-force")
	require.Equal(t, exitOK, forced.code, forced.stderr)
	got := ts.Received()
	require.Len(t, got, 2)
	a, err := mailcheck.Parse(got[0].Data)
	require.NoError(t, err)
	b, err := mailcheck.Parse(got[1].Data)
	require.NoError(t, err)
	assert.NotEqual(t, a.Header.Get("Message-Id"), b.Header.Get("Message-Id"), "a forced resend is a new message")
	assert.Equal(t, "<"+id+".manual.s0.r1@example.org>", b.Header.Get("Message-Id"))
	assert.Contains(t, forced.stdout, b.Header.Get("Message-Id"))
	assert.Equal(t, a.Subject, b.Subject, "the same reminder")
}

// TestRun_sendStartedTalk sends the reminder of a talk that has started,
// as a user trying the quickstart's June 2017 talks with the real clock
// would: refused, with the two ways out named, and sent with -force.
func TestRun_sendStartedTalk(t *testing.T) {
	db, stored := newDB(t, enteredAt, juneTalks(t)...)
	id := stored[1].ID // June 12, 4 PM in New York
	ts := startServer(t, &smtptest.Options{TLS: smtptest.Plaintext})
	base := []string{"-db", db, "-smtp", ts.Addr, "-insecure", "-send", id}

	for _, clock := range []struct {
		name string
		args []string
	}{
		{"real clock", nil},
		{"a minute into the talk", []string{"-now", "2017-06-12T20:01:00Z"}},
		{"as the talk starts", []string{"-now", "2017-06-12T20:00:00Z"}},
	} {
		t.Run(clock.name, func(t *testing.T) {
			r := runCmd(t, append(base, clock.args...)...)
			assert.Equal(t, exitFailure, r.code, r.stderr)
			assert.Contains(t, r.stderr, "the talk has started (at Monday, June 12, 2017, 4:00 PM EDT)")
			assert.Contains(t, r.stderr, "reminders: -force sends it anyway; for a demo on past talks, -now sets the clock to an instant before the talk\n")
			assert.Empty(t, r.stdout)
			assert.Empty(t, ts.Received(), "nothing is sent for a talk that has started without -force")
		})
	}

	forced := runCmd(t, append(base, "-force")...)
	require.Equal(t, exitOK, forced.code, forced.stderr)
	got := ts.Received()
	require.Len(t, got, 1, "-force sends it")
	p, err := mailcheck.Parse(got[0].Data)
	require.NoError(t, err)
	assert.Equal(t, "<"+id+".manual.s0@example.org>", p.Header.Get("Message-Id"),
		"the first reminder of the talk: a refused -send recorded nothing")
	assert.Contains(t, forced.stdout, "sent the reminder of "+id+" to 2 recipients")

	again := runCmd(t, base...)
	assert.Equal(t, exitFailure, again.code)
	assert.Contains(t, again.stderr, "the talk has started", "-force was for one send")
	assert.Len(t, ts.Received(), 1)
}

func TestRun_usage(t *testing.T) {
	db, stored := newDB(t, enteredAt, juneTalks(t)...)
	id := stored[1].ID
	missing := filepath.Join(t.TempDir(), "missing.db")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", []string{"-db", db}, exitUsage, "give one of -list, -preview ID, -send ID and -dispatch"},
		{"nothing at all", nil, exitUsage, "give one of"},
		{"two commands", []string{"-db", db, "-list", "-preview", id}, exitUsage, "give one command, not -list and -preview"},
		{"no database", []string{"-list"}, exitUsage, "-db FILE is required"},
		{"send without a server", []string{"-db", db, "-send", id}, exitUsage, "-send needs -smtp HOST:PORT, the mail server to send through"},
		{"dispatch without a server", []string{"-db", db, "-dispatch"}, exitUsage, "-dispatch needs -smtp HOST:PORT"},
		{"preview of nothing", []string{"-db", db, "-preview", ""}, exitUsage, "-preview needs the ID of a talk"},
		{"force without send", []string{"-db", db, "-list", "-force"}, exitUsage, "-force goes with -send only"},
		{"clock not RFC 3339", []string{"-db", db, "-list", "-now", "2017-06-11"}, exitUsage, `-now "2017-06-11" is not an RFC 3339 instant`},
		{"sender not an address", []string{"-db", db, "-list", "-from", "seminars"}, exitUsage, `-from "seminars" is not an email address`},
		{"user without password", []string{"-db", db, "-list", "-user", "u"}, exitUsage, "-user needs a password: -pass, or $SEMINAR_SMTP_PASSWORD"},
		{"password without user", []string{"-db", db, "-list", "-pass", "p"}, exitUsage, "-pass without -user"},
		{"stray argument", []string{"-db", db, "-list", "extra"}, exitUsage, `unexpected argument "extra"`},
		{"unknown flag", []string{"-db", db, "-lsit"}, exitUsage, "flag provided but not defined: -lsit"},
		{"server not host:port", []string{"-db", db, "-smtp", "localhost", "-send", id}, exitUsage, `"localhost" is not host:port`},
		{"domain not ASCII", []string{"-db", db, "-list", "-domain", "exämple.org"}, exitUsage, "not an ASCII host name"},
		{"help", []string{"-h"}, exitOK, "Usage: reminders -db FILE"},
		{"database missing", []string{"-db", missing, "-list"}, exitFailure, "make one with go run ./examples/quickstart"},
		{"unknown talk", []string{"-db", db, "-preview", "nosuchtalk"}, exitFailure, `get event "nosuchtalk": not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, tt.args...)
			assert.Equal(t, tt.code, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.want)
			assert.Empty(t, r.stdout, "messages go to stderr")
		})
	}
	_, err := os.Stat(missing)
	assert.True(t, os.IsNotExist(err), "a mistyped -db makes no empty database")
}

func TestRun_STARTTLSRequired(t *testing.T) {
	db, stored := newDB(t, enteredAt, juneTalks(t)...)
	ts := startServer(t, &smtptest.Options{TLS: smtptest.Plaintext}) // plaintext only

	r := runCmd(t, "-db", db, "-smtp", ts.Addr, "-now", beforeTalks, "-send", stored[1].ID)
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "STARTTLS")
	assert.Empty(t, ts.Received(), "without -insecure nothing goes out in plaintext")

	again := runCmd(t, "-db", db, "-smtp", ts.Addr, "-insecure", "-now", beforeTalks, "-send", stored[1].ID)
	assert.Equal(t, exitOK, again.code, "a reminder that failed was not sent: sending it needs no -force\n%s", again.stderr)
	assert.Len(t, ts.Received(), 1)
	twice := runCmd(t, "-db", db, "-smtp", ts.Addr, "-insecure", "-now", beforeTalks, "-send", stored[1].ID)
	assert.Equal(t, exitFailure, twice.code)
	assert.Contains(t, twice.stderr, "already sent (for sequence 0, sent)")
	assert.Contains(t, twice.stderr, "-force sends it again")
	assert.Len(t, ts.Received(), 1)
}

func TestRun_auth(t *testing.T) {
	db, stored := newDB(t, enteredAt, juneTalks(t)...)
	ts := startServer(t, &smtptest.Options{TLS: smtptest.Plaintext, Mechanisms: []string{"PLAIN"}})
	base := []string{"-db", db, "-smtp", ts.Addr, "-insecure", "-now", beforeTalks, "-user", smtptest.User}

	wrong := runCmd(t, append(base, "-pass", "wrong", "-send", stored[1].ID)...)
	assert.Equal(t, exitFailure, wrong.code)
	assert.Contains(t, wrong.stderr, "535")

	right := runCmd(t, append(base, "-pass", smtptest.Password, "-send", stored[2].ID)...)
	require.Equal(t, exitOK, right.code, right.stderr)

	t.Setenv(passwordEnv, smtptest.Password)
	fromEnv := runCmd(t, append(base, "-send", stored[3].ID)...)
	require.Equal(t, exitOK, fromEnv.code, fromEnv.stderr)

	got := ts.Received()
	require.Len(t, got, 2)
	for _, m := range got {
		assert.Equal(t, smtptest.User, m.User, "the session authenticated")
	}
}

func TestRun_dispatch(t *testing.T) {
	db, stored := newDB(t, enteredAt, juneTalks(t)...)
	ts := startServer(t, &smtptest.Options{TLS: smtptest.Plaintext})
	dispatch := func(now ...string) result {
		args := []string{"-db", db, "-smtp", ts.Addr, "-insecure", "-dispatch"}
		if len(now) > 0 {
			args = append(args, "-now", now[0])
		}
		r := runCmd(t, args...)
		require.Equal(t, exitOK, r.code, r.stderr)
		return r
	}
	messageIDs := func() []string {
		var ids []string
		for _, m := range ts.Received() {
			p, err := mailcheck.Parse(m.Data)
			require.NoError(t, err)
			ids = append(ids, p.Header.Get("Message-Id"))
		}
		return ids
	}
	june12, june16, june22 := stored[1].ID, stored[2].ID, stored[3].ID

	// June 11, 5 PM in New York: the day-before reminder of the June 12
	// talk and the week-before one of the June 16 talk are due.
	first := dispatch("2017-06-11T21:00:00Z")
	assert.Equal(t, "sent 2, retrying 0, failed 0, dropped 0 (0 past), repaired 0\n", first.stdout)
	assert.NotContains(t, first.stderr, "-now", "no hint when nothing was past")
	assert.ElementsMatch(t, []string{
		"<" + june12 + ".reminder-1440m.s0@csail.mit.edu>",
		"<" + june16 + ".reminder-10080m.s0@csail.mit.edu>",
	}, messageIDs(), "scheduled reminders keep the Message-ID they were stored with")
	assert.Equal(t, "sent 0, retrying 0, failed 0, dropped 0 (0 past), repaired 0\n", dispatch("2017-06-11T21:00:00Z").stdout, "each is sent once")

	// June 16, 1:30 PM: that talk started half an hour ago, so its
	// day-before reminder, due yesterday and never sent, is dropped.
	r := dispatch("2017-06-16T17:30:00Z")
	assert.Equal(t, "sent 1, retrying 0, failed 0, dropped 1 (1 past), repaired 0\n", r.stdout)
	assert.Contains(t, r.stderr, "reminders: dropped 1 as past: their talks had started, or were over; -now sets the clock, for a demo\n")
	assert.Contains(t, r.stderr, "delivery="+june16+".reminder-1440m.s0 reason=\"the talk has already started\"")
	assert.Contains(t, messageIDs(), "<"+june22+".reminder-10080m.s0@csail.mit.edu>")

	// The real clock: every talk is over, every reminder left is dropped,
	// and the user is told why and how to see them sent.
	r = dispatch()
	assert.Equal(t, "sent 0, retrying 0, failed 0, dropped 3 (3 past), repaired 0\n", r.stdout)
	assert.Contains(t, r.stderr, "reminders: dropped 3 as past: their talks had started, or were over; -now sets the clock, for a demo\n")
	assert.Len(t, ts.Received(), 3, "nothing is sent for a talk that has started")
}

// The Calendar logs to the writer it is given; one given io.Discard gets a
// logger that is off, so that no record is formatted only to be thrown
// away.
func TestConfig_calendarOptions_logger(t *testing.T) {
	c := &config{domain: testDomain, from: "seminars@csail.mit.edu"}
	off := c.calendarOptions(nil, io.Discard).Logger
	assert.False(t, off.Enabled(t.Context(), slog.LevelError), "a Calendar logging to io.Discard must have its logging off")

	var log bytes.Buffer
	on := c.calendarOptions(nil, &log).Logger
	on.Warn("delivery dropped", "delivery", "d1")
	assert.Contains(t, log.String(), "level=WARN msg=\"delivery dropped\" delivery=d1", "a Calendar must log to the writer it is given")
}
