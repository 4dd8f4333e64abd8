package crashtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	stdmail "net/mail"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/postgres"
	"github.com/seminarkit/seminar/store/sqlite"
)

// The lines a child prints, one per event, for the parent to time its
// kills by and to learn what the child did.
const (
	lineReady    = "ready"    // the store is open
	lineDispatch = "dispatch" // a DispatchDue begins
	lineAccepted = "accepted" // the SMTP server took a message: "accepted <Message-ID>"
	lineDeleting = "deleting" // "deleting <event ID>", before the Delete
	lineError    = "error"    // "error <what>: <error>"; the child goes on
)

// How long a child's calls may take before it gives up on them.
const (
	opTimeout   = 15 * time.Second
	openTimeout = 20 * time.Second
)

// outboxStore is what both stores are.
type outboxStore interface {
	seminar.Store
	seminar.Outbox
	Close() error
}

// runChild runs a child until its standard input ends, which is how the
// parent stops one that it does not kill: it dispatches, and writes talks
// if c.Write, in two goroutines, as a web process and its worker would,
// and goes on after every error.
func runChild(c childConfig) error {
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	store, err := openStore(ctx, c)
	cancel()
	if err != nil {
		return err
	}
	defer store.Close()
	out := &output{}
	cal, err := newCalendar(store, c.SMTP, out)
	if err != nil {
		return err
	}
	stop := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stop)
	}()
	out.print(lineReady)
	var wg sync.WaitGroup
	wg.Go(func() { dispatchLoop(cal, rand.New(rand.NewPCG(c.Seed, 1)), out, stop) })
	if c.Write {
		w := &writer{cal: cal, store: store, rng: rand.New(rand.NewPCG(c.Seed, 2)), out: out, seed: c.Seed}
		wg.Go(func() { w.loop(stop) })
	}
	wg.Wait()
	return nil
}

func openStore(ctx context.Context, c childConfig) (outboxStore, error) {
	switch c.Store {
	case "sqlite":
		return sqlite.Open(ctx, c.DB, &sqlite.Options{BusyTimeout: busyTimeout})
	case "postgres":
		return postgres.Open(ctx, c.DB, &postgres.Options{Schema: c.Schema})
	}
	return nil, fmt.Errorf("unknown store %q", c.Store)
}

// newCalendar returns a Calendar on store that sends through the SMTP
// server at addr, in plaintext on loopback, and says so on out each time
// the server takes a message.
func newCalendar(store seminar.Store, addr string, out *output) (*seminar.Calendar, error) {
	m, err := mail.New(mail.Options{Addr: addr, TLS: mail.TLSNone, AllowInsecure: true, Timeout: 5 * time.Second})
	if err != nil {
		return nil, err
	}
	return seminar.New(store, &seminar.Options{
		Domain: domain,
		Mailer: &announcer{Mailer: m, out: out},
		ICS:    &ical.Attacher{},
		From:   from,
		Reminders: &seminar.ReminderOptions{
			Lease:     lease,
			RetryBase: 200 * time.Millisecond,
			RetryMax:  time.Second,
		},
	})
}

// announcer prints a line each time the server takes a message, the moment
// after which a crash loses the record of a message that went out: the
// parent kills some children right then.
type announcer struct {
	*mail.Mailer
	out *output
}

func (a *announcer) Send(ctx context.Context, env seminar.Envelope, raw []byte) (*seminar.SendResult, error) {
	res, err := a.Mailer.Send(ctx, env, raw)
	if err == nil {
		a.out.print("%s %s", lineAccepted, messageID(raw))
	}
	return res, err
}

// SendBatch announces each message of a batch the server took, as Send
// does, the moment its outcome is known.
func (a *announcer) SendBatch(ctx context.Context, msgs []seminar.Outgoing, done func(int, *seminar.SendResult, error)) {
	a.Mailer.SendBatch(ctx, msgs, func(i int, res *seminar.SendResult, err error) {
		if err == nil {
			a.out.print("%s %s", lineAccepted, messageID(msgs[i].Raw))
		}
		done(i, res, err)
	})
}

// messageID returns the Message-ID of raw without its angle brackets.
func messageID(raw []byte) string {
	m, err := stdmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	return strings.Trim(m.Header.Get("Message-Id"), "<>")
}

// output prints the child's lines, each in one write, so that the parent
// reads whole lines however the goroutines interleave.
type output struct{ mu sync.Mutex }

func (o *output) print(format string, args ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, _ = fmt.Fprintf(os.Stdout, format+"\n", args...)
}

// dispatchLoop calls DispatchDue every 50 to 200 ms until stop closes.
func dispatchLoop(cal *seminar.Calendar, rng *rand.Rand, out *output, stop <-chan struct{}) {
	for {
		out.print(lineDispatch)
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		r, err := cal.DispatchDue(ctx)
		cancel()
		if err != nil {
			out.print("%s dispatch: %v", lineError, err)
		} else if r.Sent+r.Retrying+r.Failed+r.Dropped+r.Repaired > 0 {
			out.print("dispatched %+v", *r)
		}
		select {
		case <-stop:
			return
		case <-time.After(between(rng, 50*time.Millisecond, 200*time.Millisecond)):
		}
	}
}

// writer makes the edits of a talk series' organizers, at random: it
// creates talks, moves them, changes their rooms, cancels them, puts
// cancelled ones back on and deletes some.
type writer struct {
	cal   *seminar.Calendar
	store seminar.Store
	rng   *rand.Rand
	out   *output
	seed  uint64
	n     int
}

func (w *writer) loop(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(between(w.rng, 30*time.Millisecond, 120*time.Millisecond)):
		}
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		what, err := w.step(ctx)
		cancel()
		if err != nil {
			w.out.print("%s %s: %v", lineError, what, err)
		}
	}
}

// step makes one edit and says what it was.
func (w *writer) step(ctx context.Context) (string, error) {
	switch r := w.rng.IntN(100); {
	case r < 40:
		return "create", w.create(ctx)
	case r < 62:
		return "move", w.edit(ctx, scheduled, w.move)
	case r < 70:
		return "change room", w.edit(ctx, scheduled, w.changeRoom)
	case r < 85:
		return "cancel", w.cancel(ctx)
	case r < 92:
		return "reinstate", w.edit(ctx, cancelled, reinstate)
	default:
		return "delete", w.delete(ctx)
	}
}

// The talks' reminder schedule: 70 and 10 seconds before the start, so
// that reminders come due within the run. The leads lie in different whole minutes because a delivery's ID
// names its lead in whole minutes (deliveryID in delivery.go): two leads
// within one minute would share one delivery, and the second reminder
// would never be scheduled.
var schedule = []time.Duration{70 * time.Second, 10 * time.Second}

var rooms = []string{"32-G449", "32-D463", "34-101", "E25-111"}

func (w *writer) create(ctx context.Context) error {
	w.n++
	// Half the talks are 12 to 30 seconds ahead, for their 10-second
	// reminder; half 71 to 85 seconds, for their 70-second one.
	ahead := between(w.rng, 12*time.Second, 30*time.Second)
	if w.rng.IntN(2) == 0 {
		ahead = between(w.rng, 71*time.Second, 85*time.Second)
	}
	start := time.Now().Add(ahead)
	sched := schedule
	if w.rng.IntN(4) == 0 {
		sched = schedule[1:]
	}
	e, err := w.cal.Create(ctx, &seminar.Event{
		Title:     fmt.Sprintf("Talk %d of child %x", w.n, w.seed),
		Start:     start,
		End:       start.Add(time.Hour),
		TimeZone:  "UTC",
		Location:  seminar.Location{Room: rooms[w.rng.IntN(len(rooms))]},
		Speakers:  []seminar.Person{{Name: "Ada Lovelace", Affiliation: "Analytical Engines"}},
		Reminders: seminar.Reminders{Lists: lists, Schedule: sched},
	})
	if err == nil {
		w.out.print("created %s", e.ID)
	}
	return err
}

func scheduled(e *seminar.Event) bool { return !e.Cancelled() }
func cancelled(e *seminar.Event) bool { return e.Cancelled() }

// edit applies change to a talk ahead that want selects, if there is one.
func (w *writer) edit(ctx context.Context, want func(*seminar.Event) bool, change func(*seminar.Event)) error {
	e, err := w.pick(ctx, want)
	if e == nil || err != nil {
		return err
	}
	change(e)
	_, err = w.cal.Update(ctx, e)
	return err
}

// move moves a talk 3 to 15 seconds earlier or later, never closer than 4
// seconds ahead.
func (w *writer) move(e *seminar.Event) {
	delta := between(w.rng, 3*time.Second, 15*time.Second)
	if w.rng.IntN(2) == 0 {
		delta = -delta
	}
	e.Start = e.Start.Add(delta)
	if soonest := time.Now().Add(4 * time.Second); e.Start.Before(soonest) {
		e.Start = soonest
	}
	e.End = e.Start.Add(time.Hour)
}

// changeRoom moves a talk to another room.
func (w *writer) changeRoom(e *seminar.Event) {
	i := slices.Index(rooms, e.Location.Room) // -1 makes any room another
	e.Location.Room = rooms[(i+1+w.rng.IntN(len(rooms)-1))%len(rooms)]
}

func reinstate(e *seminar.Event) {
	e.Status, e.CancelReason = seminar.StatusScheduled, ""
}

func (w *writer) cancel(ctx context.Context) error {
	e, err := w.pick(ctx, scheduled)
	if e == nil || err != nil {
		return err
	}
	_, err = w.cal.Cancel(ctx, e.ID, "The speaker is ill")
	return err
}

func (w *writer) delete(ctx context.Context) error {
	e, err := w.pick(ctx, func(*seminar.Event) bool { return true })
	if e == nil || err != nil {
		return err
	}
	w.out.print("%s %s", lineDeleting, e.ID)
	return w.cal.Delete(ctx, e.ID)
}

// pick returns a random talk starting more than 3 seconds from now that
// want selects, or nil when there is none.
func (w *writer) pick(ctx context.Context, want func(*seminar.Event) bool) (*seminar.Event, error) {
	soon := time.Now().Add(3 * time.Second)
	events, err := w.store.List(ctx, seminar.ListQuery{
		From: soon, Filter: seminar.Filter{IncludeCancelled: true}, Limit: 10000,
	})
	if err != nil {
		return nil, err
	}
	var ok []*seminar.Event
	for _, e := range events {
		if e.Start.After(soon) && want(e) {
			ok = append(ok, e)
		}
	}
	if len(ok) == 0 {
		return nil, nil
	}
	return ok[w.rng.IntN(len(ok))], nil
}

// between returns a random duration in [lo, hi).
func between(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.Int64N(int64(hi-lo)))
}
