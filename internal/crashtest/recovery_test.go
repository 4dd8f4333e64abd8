package crashtest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// settleTimeout bounds the wait for the outbox to settle once a child
// recovers it: the leases killed children held expire, and what they
// claimed is sent or dropped, as is everything else due.
const settleTimeout = 30 * time.Second

// recoverySlack is how long a recovered dispatcher may take to send what
// is due: a pause between two DispatchDue calls, a claim, a send and its
// record, with room to spare for a machine busy with other tests.
const recoverySlack = 2 * time.Second

// recoverAndCheck lets a child that only dispatches recover the outbox,
// runs every check, and logs what the run measured.
func (r *run) recoverAndCheck(ctx context.Context, faults string, targeted map[string]bool) {
	r.t.Helper()
	if r.t.Failed() {
		return
	}
	recovered, settled := r.recoverOutbox(ctx)
	s := r.snapshot(ctx)
	m := check(r.t, s, recovered, settled, targeted)
	checkReconcile(ctx, r.t, r.store)
	errs, first := r.journal.errorCount()
	r.t.Logf("%s; %s; the children printed %d errors, the first: %q", faults, m, errs, first)
}

// recoverOutbox starts a child that only dispatches, leaves it alone until
// the outbox settles, with nothing sending and nothing due that a
// dispatcher would claim, and stops it. It returns when the outbox
// recovered, the moment the child was running and every lease of the
// children before it had expired, and when it was seen settled.
func (r *run) recoverOutbox(ctx context.Context) (recovered, settled time.Time) {
	t := r.t
	t.Helper()
	start := time.Now()
	c := startChild(ctx, t, r.childConfig(false), r.journal)
	if _, ok := c.waitLine(lineReady, openTimeout); !ok {
		c.kill()
		t.Fatalf("the recovering child must open its store within %v", openTimeout)
	}
	recovered = time.Now()
	if expired := start.Add(lease); recovered.Before(expired) {
		recovered = expired
	}
	for {
		select {
		case <-c.exited:
			c.kill()
			t.Fatal("the recovering child must run until it is stopped")
		case <-time.After(250 * time.Millisecond):
		}
		at := time.Now()
		waiting := r.snapshot(ctx).unsettled(at)
		if len(waiting) == 0 {
			settled = at
			break
		}
		if at.Sub(start) > settleTimeout {
			c.stop(opTimeout + 5*time.Second)
			t.Fatalf("the outbox must settle within %v of a dispatcher's restart; still due or sending:\n%s",
				settleTimeout, strings.Join(waiting, "\n"))
		}
	}
	c.stop(opTimeout + 5*time.Second)
	return recovered, settled
}

// unsettled describes the deliveries that keep the outbox from being
// settled at the moment at: those sending, and those due that ClaimDue
// would claim. A reminder waiting for a cancelled or deleted event is
// never claimed; the checks report it.
func (s *snapshot) unsettled(at time.Time) []string {
	var out []string
	for id, ds := range s.deliveries {
		e := s.events[id]
		for _, d := range ds {
			waiting := d.State == seminar.StatePending || d.State == seminar.StateRetry
			claimable := d.Kind == seminar.KindCancel || (e != nil && !e.Cancelled())
			if d.State == seminar.StateSending || (waiting && claimable && !d.DueAt.After(at)) {
				out = append(out, fmt.Sprintf("%s %s due %s, lease until %s",
					d.ID, d.State, d.DueAt.Format(time.TimeOnly), d.LeaseUntil.Format(time.TimeOnly)))
			}
		}
	}
	return out
}
