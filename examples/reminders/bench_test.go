package main

import (
	"context"
	"fmt"
	"io"
	"net/smtp"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/smtptest"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/sqlite"
)

// benchReminders is how many reminders one op of BenchmarkDispatch sends.
const benchReminders = 1000

// benchDB makes a database of 1,000 talks, each with one reminder that is
// due at benchNow, and returns its file: each op dispatches from a copy.
func benchDB(b *testing.B) string {
	b.Helper()
	var talks []*seminar.Event
	for i := range benchReminders {
		e := talk(b, fmt.Sprintf("Talk %04d: a picture of the energy landscape of deep neural networks", i), 20, 9)
		e.Start, e.End = e.Start.Add(time.Duration(i)*time.Minute), e.End.Add(time.Duration(i)*time.Minute)
		e.Reminders.Schedule = []time.Duration{24 * time.Hour}
		talks = append(talks, e)
	}
	db, _ := newDB(b, time.Date(2017, time.June, 1, 12, 0, 0, 0, time.UTC), talks...)
	return db
}

// benchNow is when every reminder of benchDB is due and no talk has started.
var benchNow = time.Date(2017, time.June, 20, 6, 0, 0, 0, time.UTC)

// copyDB copies the closed database file src to a new file.
func copyDB(b testing.TB, src string) string {
	b.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	dst := filepath.Join(b.TempDir(), "seminar.db")
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return dst
}

// BenchmarkDispatch sends 1,000 due reminders per op to the loopback go-smtp
// server, in plaintext and without AUTH so that what is measured is our
// overhead and not TLS: through Calendar.DispatchDue on SQLite, wired as the
// command wires it (claims, event reads, rendering, composing, one SMTP
// transaction per reminder, recording each outcome), and, as the baseline,
// a bare net/smtp loop sending the same bytes (Dial, EHLO, MAIL, RCPT,
// DATA, QUIT per message). via=DispatchDue-sqlite sends one message per
// connection too (-per-connection 1), like the loop;
// via=DispatchDue-sqlite-session sends as the command does by default,
// up to 100 messages per connection, one transaction after another. Making the
// 1,000 due deliveries is outside the timer. ns/msg is the time per
// message. Compare the three with
//
//	go test -run='^$' -bench='Dispatch$' -count=6 ./examples/reminders | tee bench.txt
//	benchstat -col /via bench.txt
//
// and read each DispatchDue row as a ratio to via=net-smtp-loop.
func BenchmarkDispatch(b *testing.B) {
	ts := startServer(b, &smtptest.Options{Sink: true, TLS: smtptest.Plaintext})
	c := &config{smtp: ts.Addr, insecure: true, from: "seminars@csail.mit.edu", domain: testDomain, now: fixedClock(benchNow)}
	template := benchDB(b)

	for _, via := range []struct {
		name    string
		perConn int
	}{{"DispatchDue-sqlite", 1}, {"DispatchDue-sqlite-session", mail.DefaultMessagesPerConnection}} {
		b.Run("via="+via.name, func(b *testing.B) {
			c := *c
			c.perConn = via.perConn
			mailer := benchMailer(b, &c)
			for range b.N {
				b.StopTimer()
				cal, done := dueCalendar(b, &c, mailer, template)
				b.StartTimer()
				dispatchAll(b, cal)
				b.StopTimer()
				done()
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchReminders), "ns/msg")
		})
	}

	b.Run("via=net-smtp-loop", func(b *testing.B) {
		msgs := renderAll(b, c, template)
		b.ResetTimer()
		for range b.N {
			for _, m := range msgs {
				if err := sendBare(ts.Addr, m.Envelope, m.Raw); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchReminders), "ns/msg")
	})
}

// BenchmarkDispatchPaired measures DispatchDue and the net/smtp loop of
// BenchmarkDispatch one after the other in every op, so that a machine
// whose load changes during the run slows both alike, and reports their
// ratio: x-net-smtp is the time of DispatchDue over that of the net/smtp
// loop, with one connection per message (per=1) and with the command's
// default of up to 100 messages per connection (per=100). x-net-smtp-cpu
// is the same ratio of the CPU time the process spent (client and
// in-process server, user and system), which holds on a busy machine where
// the wall-clock ratio does not; it leaves out what DispatchDue gains by
// composing one batch while it sends the one before:
//
//	go test -run='^$' -bench='DispatchPaired' -count=6 ./examples/reminders | tee paired.txt
//	benchstat -col /per paired.txt
func BenchmarkDispatchPaired(b *testing.B) {
	for _, per := range []int{1, mail.DefaultMessagesPerConnection} {
		b.Run(fmt.Sprintf("per=%d", per), func(b *testing.B) { benchPaired(b, per) })
	}
}

func benchPaired(b *testing.B, perConn int) {
	ts := startServer(b, &smtptest.Options{Sink: true, TLS: smtptest.Plaintext})
	c := &config{smtp: ts.Addr, insecure: true, perConn: perConn, from: "seminars@csail.mit.edu", domain: testDomain, now: fixedClock(benchNow)}
	template := benchDB(b)
	msgs := renderAll(b, c, template)
	mailer := benchMailer(b, c)
	var dispatchTime, loopTime, dispatchCPU, loopCPU time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		cal, done := dueCalendar(b, c, mailer, template)
		b.StartTimer()
		t0, cpu0 := time.Now(), cpuTime()
		dispatchAll(b, cal)
		t1, cpu1 := time.Now(), cpuTime()
		for _, m := range msgs {
			if err := sendBare(ts.Addr, m.Envelope, m.Raw); err != nil {
				b.Fatal(err)
			}
		}
		t2, cpu2 := time.Now(), cpuTime()
		dispatchTime, loopTime = dispatchTime+t1.Sub(t0), loopTime+t2.Sub(t1)
		dispatchCPU, loopCPU = dispatchCPU+cpu1-cpu0, loopCPU+cpu2-cpu1
		b.StopTimer()
		done()
		b.StartTimer()
	}
	n := float64(b.N * benchReminders)
	b.ReportMetric(float64(dispatchTime.Nanoseconds())/n, "dispatch-ns/msg")
	b.ReportMetric(float64(loopTime.Nanoseconds())/n, "net-smtp-ns/msg")
	b.ReportMetric(float64(dispatchTime)/float64(loopTime), "x-net-smtp")
	if loopCPU > 0 {
		b.ReportMetric(float64(dispatchCPU)/float64(loopCPU), "x-net-smtp-cpu")
	}
}

// benchMailer is the command's SMTP mailer for c.
func benchMailer(b *testing.B, c *config) *mail.Mailer {
	b.Helper()
	mailer, err := mail.New(c.mailOptions())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = mailer.Close() })
	return mailer
}

// dueCalendar opens a copy of the database db with the command's Calendar;
// done closes it.
func dueCalendar(b *testing.B, c *config, mailer seminar.Mailer, db string) (cal *seminar.Calendar, done func()) {
	b.Helper()
	store, err := sqlite.Open(context.Background(), copyDB(b, db), nil)
	if err != nil {
		b.Fatal(err)
	}
	cal, err = seminar.New(store, c.calendarOptions(mailer, io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	return cal, func() {
		if err := store.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// dispatchAll sends the due reminders, which must be all of them.
func dispatchAll(b *testing.B, cal *seminar.Calendar) {
	if r, err := cal.DispatchDue(context.Background()); err != nil || r.Sent != benchReminders {
		b.Fatalf("dispatch: %+v, %v", r, err)
	}
}

// renderAll dispatches the reminders of a copy of db to a Recorder, which
// keeps the bytes the SMTP mailer would send.
func renderAll(b *testing.B, c *config, db string) []mail.Sent {
	b.Helper()
	store, err := sqlite.Open(context.Background(), copyDB(b, db), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	rec := &mail.Recorder{}
	cal, err := seminar.New(store, c.calendarOptions(rec, io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	if r, err := cal.DispatchDue(context.Background()); err != nil || r.Sent != benchReminders {
		b.Fatalf("dispatch to a recorder: %+v, %v", r, err)
	}
	return rec.Messages()
}

// sendBare sends raw with net/smtp alone: a connection per message.
func sendBare(addr string, env seminar.Envelope, raw []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := smtptest.BaselineHello(c, nil, nil); err != nil {
		return err
	}
	if err := smtptest.BaselineSend(c, env.From, env.To, raw); err != nil {
		return err
	}
	return c.Quit()
}
