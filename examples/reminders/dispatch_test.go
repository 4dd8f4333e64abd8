package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/mailcheck"
	"github.com/seminarkit/seminar/internal/smtptest"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/sqlite"
)

var reportLine = regexp.MustCompile(`^sent (\d+), retrying (\d+), failed (\d+), dropped (\d+) \((\d+) past\), repaired (\d+)\n$`)

// parseReport reads the line -dispatch prints.
func parseReport(t testing.TB, out string) seminar.DispatchReport {
	t.Helper()
	m := reportLine.FindStringSubmatch(out)
	require.NotNil(t, m, "-dispatch prints its report: %q", out)
	n := func(s string) int {
		v, err := strconv.Atoi(s)
		require.NoError(t, err)
		return v
	}
	return seminar.DispatchReport{Sent: n(m[1]), Retrying: n(m[2]), Failed: n(m[3]), Dropped: n(m[4]), Past: n(m[5]), Repaired: n(m[6])}
}

// TestRun_dispatchConcurrently runs four -dispatch commands at once on one
// SQLite file, each with its own Store and Calendar, against 500 due
// reminders: the server gets each exactly once.
func TestRun_dispatchConcurrently(t *testing.T) {
	const talks, dispatchers = 250, 4
	var events []*seminar.Event
	for i := range talks {
		e := talk(t, fmt.Sprintf("Talk %03d", i), 20, 9)
		e.Start, e.End = e.Start.Add(time.Duration(i)*time.Minute), e.End.Add(time.Duration(i)*time.Minute)
		events = append(events, e)
	}
	// Entered on June 1, both reminders of every talk are ahead; at 2 AM
	// on June 20 both are due and no talk has started.
	db, stored := newDB(t, time.Date(2017, time.June, 1, 12, 0, 0, 0, time.UTC), events...)
	want := map[string]bool{}
	for _, e := range stored {
		for _, lead := range []string{"10080m", "1440m"} {
			want["<"+e.ID+".reminder-"+lead+".s0@csail.mit.edu>"] = true
		}
	}
	require.Len(t, want, 2*talks)
	ts := startServer(t, &smtptest.Options{TLS: smtptest.Plaintext})

	start := make(chan struct{})
	results := make([]result, dispatchers)
	var wg sync.WaitGroup
	for i := range dispatchers {
		wg.Go(func() {
			<-start
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"-db", db, "-smtp", ts.Addr, "-insecure",
				"-now", "2017-06-20T06:00:00Z", "-dispatch"}, &stdout, &stderr)
			results[i] = result{code, stdout.String(), stderr.String()}
		})
	}
	close(start)
	wg.Wait()

	var total seminar.DispatchReport
	for i, r := range results {
		require.Equal(t, exitOK, r.code, "dispatcher %d: %s", i, r.stderr)
		rep := parseReport(t, r.stdout)
		t.Logf("dispatcher %d: %s", i, r.stdout)
		total.Sent += rep.Sent
		total.Retrying += rep.Retrying
		total.Failed += rep.Failed
		total.Dropped += rep.Dropped
		total.Past += rep.Past
		total.Repaired += rep.Repaired
	}
	assert.Equal(t, seminar.DispatchReport{Sent: 2 * talks}, total, "the dispatchers' reports add up to every reminder, each sent once")

	got := map[string]int{}
	for _, m := range ts.Received() {
		p, err := mailcheck.Parse(m.Data)
		require.NoError(t, err)
		got[p.Header.Get("Message-Id")]++
	}
	assert.Len(t, got, 2*talks, "500 distinct Message-IDs")
	for id, n := range got {
		assert.Equal(t, 1, n, "%s delivered once", id)
		assert.True(t, want[id], "%s is one of the reminders", id)
	}
}

// storeWithoutOutbox hides the Outbox of a Store: a Calendar on it writes
// events and no deliveries, as another tool writing the database would.
type storeWithoutOutbox struct{ seminar.Store }

// TestRun_dispatchRepairsOutbox dispatches from a database whose talks were
// written without their reminders: -dispatch schedules them first, says how
// many talks it repaired, and sends what is due; the next run finds nothing
// to repair.
func TestRun_dispatchRepairsOutbox(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "seminar.db")
	store, err := sqlite.Open(ctx, db, nil)
	require.NoError(t, err)
	cal, err := seminar.New(storeWithoutOutbox{store}, &seminar.Options{Domain: testDomain, TimeZone: testZone, Now: fixedClock(enteredAt)})
	require.NoError(t, err)
	stored, err := cal.CreateMany(ctx, juneTalks(t)[1:3]) // June 12 and June 16
	require.NoError(t, err)
	for _, e := range stored {
		ds, err := store.Deliveries(ctx, e.ID)
		require.NoError(t, err)
		require.Empty(t, ds, "the talks were stored without reminders")
	}
	require.NoError(t, store.Close())
	ts := startServer(t, &smtptest.Options{TLS: smtptest.Plaintext})
	dispatch := func() result {
		r := runCmd(t, "-db", db, "-smtp", ts.Addr, "-insecure", "-now", "2017-06-11T21:00:00Z", "-dispatch")
		require.Equal(t, exitOK, r.code, r.stderr)
		return r
	}

	// June 11, 5 PM in New York: both reminders of the June 12 talk are
	// overdue, so its day-before one goes out at once; the June 16 talk
	// gets its day-before reminder, due on June 15.
	r := dispatch()
	assert.Equal(t, "sent 1, retrying 0, failed 0, dropped 0 (0 past), repaired 2\n", r.stdout)
	assert.Contains(t, r.stderr, "outbox repaired", "the log says what was repaired")
	got := ts.Received()
	require.Len(t, got, 1)
	p, err := mailcheck.Parse(got[0].Data)
	require.NoError(t, err)
	assert.Equal(t, "<"+stored[0].ID+".reminder-1440m.s0@example.org>", p.Header.Get("Message-Id"),
		"a reminder the repair scheduled is in the domain of the -dispatch that made it")

	assert.Equal(t, "sent 0, retrying 0, failed 0, dropped 0 (0 past), repaired 0\n", dispatch().stdout, "repaired once")
	assert.Len(t, ts.Received(), 1)
}

// testClock is a clock the test sets.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// hungMailer composes like the SMTP mailer and hangs in Send until
// released, as a dispatcher does when it is killed or stalls between its
// claim and the end of the send.
type hungMailer struct {
	mail.Recorder
	entered chan []byte
	release chan struct{}
}

func (m *hungMailer) Send(ctx context.Context, env seminar.Envelope, raw []byte) (*seminar.SendResult, error) {
	m.entered <- raw
	<-m.release
	return nil, fmt.Errorf("hung mailer: connection lost: %w", seminar.ErrTemporary)
}

// TestDispatch_leaseExpiry kills a dispatcher between its claim and the end
// of its send: the reminder waits only until the claim's lease expires,
// then another dispatcher sends it once, as the same message with the same
// Message-ID; the first, coming back late, cannot record its outcome over
// the second's.
func TestDispatch_leaseExpiry(t *testing.T) {
	ctx := context.Background()
	const lease = 2 * time.Second
	db, stored := newDB(t, enteredAt, juneTalks(t)[1]) // the June 12 talk: one reminder, due June 11, 4 PM
	ts := startServer(t, &smtptest.Options{TLS: smtptest.Plaintext})
	clk := &testClock{now: time.Date(2017, time.June, 11, 21, 0, 0, 0, time.UTC)}
	c := &config{smtp: ts.Addr, insecure: true, from: "seminars@csail.mit.edu", domain: testDomain, now: clk.Now}
	newCalendar := func(mailer seminar.Mailer) (*seminar.Calendar, *sqlite.Store) {
		store, err := sqlite.Open(context.Background(), db, nil)
		require.NoError(t, err)
		t.Cleanup(func() { _ = store.Close() })
		opts := c.calendarOptions(mailer, io.Discard)
		opts.Reminders = &seminar.ReminderOptions{Lease: lease}
		cal, err := seminar.New(store, opts)
		require.NoError(t, err)
		return cal, store
	}
	hung := &hungMailer{entered: make(chan []byte, 1), release: make(chan struct{})}
	first, _ := newCalendar(hung)
	smtpMailer, err := mail.New(c.mailOptions())
	require.NoError(t, err)
	t.Cleanup(func() { _ = smtpMailer.Close() })
	second, store := newCalendar(smtpMailer)

	firstDone := make(chan *seminar.DispatchReport, 1)
	go func() {
		r, err := first.DispatchDue(ctx)
		assert.NoError(t, err)
		firstDone <- r
	}()
	var attempted []byte
	select {
	case attempted = <-hung.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the first dispatcher never reached Send")
	}

	clk.Add(lease / 2)
	r, err := second.DispatchDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, seminar.DispatchReport{}, *r, "while the lease holds, the claimed reminder is left alone")
	assert.Empty(t, ts.Received())

	clk.Add(lease/2 + time.Millisecond)
	r, err = second.DispatchDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, seminar.DispatchReport{Sent: 1}, *r, "once the lease expired, the reminder is sent")
	r, err = second.DispatchDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, seminar.DispatchReport{}, *r, "and sent once")

	got := ts.Received()
	require.Len(t, got, 1)
	want, err := mailcheck.Parse(attempted)
	require.NoError(t, err)
	sent, err := mailcheck.Parse(got[0].Data)
	require.NoError(t, err)
	assert.Equal(t, "<"+stored[0].ID+".reminder-1440m.s0@csail.mit.edu>", sent.Header.Get("Message-Id"))
	assert.Equal(t, want.Header.Get("Message-Id"), sent.Header.Get("Message-Id"), "the Message-ID the first dispatcher would have used")
	assert.Equal(t, want.WithoutClockReadings(), sent.WithoutClockReadings(), "the same message")

	close(hung.release)
	select {
	case <-firstDone:
	case <-time.After(10 * time.Second):
		t.Fatal("the first dispatcher did not return")
	}
	ds, err := store.Deliveries(ctx, stored[0].ID)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, seminar.StateSent, ds[0].State, "the late first dispatcher's failure is not recorded over the send")
	assert.Equal(t, 2, ds[0].Attempts)
}
