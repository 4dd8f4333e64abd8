package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

var (
	_ seminar.Outbox              = (*Store)(nil)
	_ seminar.DeliveryBatchGetter = (*Store)(nil)
)

// deliveryColumns are the columns of the deliveries table in the order that
// appendDeliveryArgs writes them and scanDelivery reads them.
var deliveryColumns = []string{
	"id", "event_id", "kind", "lead_ns", "sequence", "due_ns", "state", "recipients", "attempts",
	"lease_owner", "lease_until_ns", "message_id", "last_error", "refused", "note", "sent_ns", "updated_ns",
}

var (
	selectDeliverySQL = "SELECT " + strings.Join(deliveryColumns, ", ") + " FROM deliveries"
	addDeliverySQL    = "INSERT INTO deliveries (" + strings.Join(deliveryColumns, ", ") + ") VALUES (?" +
		strings.Repeat(", ?", len(deliveryColumns)-1) + ") ON CONFLICT (id) DO NOTHING"

	// claimSQL claims, in one statement and so in one write transaction,
	// the first ?4 due deliveries in (due_ns, id) order for owner ?1 until
	// ?2, at ?3. Each arm of the compound walks a partial index that holds
	// only deliveries waiting or being sent, and the pending arm walks it in
	// the order of the ORDER BY, so SQLite merges the two and stops after
	// ?4 rows. A waiting delivery whose event is gone or cancelled is
	// skipped unless it is a cancellation notice; one left sending past
	// its lease is claimed whatever its event's state, so that the
	// dispatcher ends it. RETURNING gives the rows in no particular order;
	// ClaimDue sorts them.
	claimSQL = `UPDATE deliveries
SET state = 'sending', lease_owner = ?1, lease_until_ns = ?2, attempts = attempts + 1
WHERE id IN (SELECT id FROM (
	SELECT d.id AS id, d.due_ns AS due_ns FROM deliveries AS d LEFT JOIN events AS e ON e.id = d.event_id
	WHERE d.state IN ('pending', 'retry') AND d.due_ns <= ?3 AND ` + claimableEvent + `
	UNION ALL
	SELECT d.id, d.due_ns FROM deliveries AS d
	WHERE d.state = 'sending' AND d.lease_until_ns < ?3
	ORDER BY due_ns, id
	LIMIT ?4
))
RETURNING ` + strings.Join(deliveryColumns, ", ")

	claimableEvent = "(d.kind = '" + string(seminar.KindCancel) + "' OR (e.id IS NOT NULL AND e.status <> '" +
		string(seminar.StatusCancelled) + "'))"

	// finishSQL writes an outcome if the claim still holds: the check and
	// the write are one statement.
	finishSQL = `UPDATE deliveries
SET state = ?, due_ns = ?, recipients = ?, message_id = ?, last_error = ?, refused = ?, sent_ns = ?, updated_ns = ?
WHERE id = ? AND state = 'sending' AND lease_owner = ? AND lease_until_ns = ?`

	// dropSQL takes the reason and the IDs as a JSON array.
	dropSQL = `UPDATE deliveries SET state = 'dropped', last_error = ?
WHERE id IN (SELECT value FROM json_each(?)) AND state IN ('pending', 'retry')`
)

// addDeliveries stores the deliveries whose ID is not stored yet; of two
// with the same ID in ds, the first is stored. A nil delivery, or a time
// outside the years 1678 to 2261, fails the call with an error matching
// seminar.ErrInvalid before it writes anything.
func (h handle) addDeliveries(ctx context.Context, ds []*seminar.Delivery) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: add deliveries: %w", err)
	}
	rows := make([][]any, len(ds))
	for i, d := range ds {
		if d == nil {
			return fmt.Errorf("sqlite: add delivery %d: %w: delivery is nil", i, seminar.ErrInvalid)
		}
		var err error
		if rows[i], err = appendDeliveryArgs(make([]any, 0, len(deliveryColumns)), d); err != nil {
			return fmt.Errorf("sqlite: add delivery %q: %w", d.ID, err)
		}
	}
	if len(ds) == 0 {
		return nil
	}
	add := h.stmt(ctx, h.s.addDelivery)
	for i, args := range rows {
		if _, err := add.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("sqlite: add delivery %q: %w", ds[i].ID, dbError(ctx, err))
		}
	}
	return nil
}

// Deliveries returns the deliveries of an event ordered by DueAt, then ID.
func (s *Store) Deliveries(ctx context.Context, eventID string) ([]*seminar.Delivery, error) {
	return s.pool().deliveries(ctx, eventID)
}

func (h handle) deliveries(ctx context.Context, eventID string) ([]*seminar.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list deliveries of event %q: %w", eventID, err)
	}
	rows, err := h.stmt(ctx, h.s.eventDeliveries).QueryContext(ctx, eventID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list deliveries of event %q: %w", eventID, dbError(ctx, err))
	}
	ds, err := scanDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list deliveries of event %q: %w", eventID, dbError(ctx, err))
	}
	return ds, nil
}

// DeliveriesOf returns the deliveries of the events whose ID is among
// eventIDs, by event ID, in one query. It implements
// seminar.DeliveryBatchGetter.
func (s *Store) DeliveriesOf(ctx context.Context, eventIDs []string) (map[string][]*seminar.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list deliveries of %d events: %w", len(eventIDs), err)
	}
	if len(eventIDs) == 0 {
		return map[string][]*seminar.Delivery{}, nil
	}
	rows, err := s.eventsDeliveries.QueryContext(ctx, hexList(eventIDs))
	if err != nil {
		return nil, fmt.Errorf("sqlite: list deliveries of %d events: %w", len(eventIDs), dbError(ctx, err))
	}
	ds, err := scanDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list deliveries of %d events: %w", len(eventIDs), dbError(ctx, err))
	}
	return byEvent(ds), nil
}

// byEvent groups deliveries by event, keeping their order.
func byEvent(ds []*seminar.Delivery) map[string][]*seminar.Delivery {
	out := map[string][]*seminar.Delivery{}
	for _, d := range ds {
		out[d.EventID] = append(out[d.EventID], d)
	}
	return out
}

// GetDelivery returns the delivery with the given ID, or an error matching
// seminar.ErrNotFound.
func (s *Store) GetDelivery(ctx context.Context, id string) (*seminar.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: get delivery %q: %w", id, err)
	}
	rows, err := s.getDelivery.QueryContext(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: get delivery %q: %w", id, dbError(ctx, err))
	}
	ds, err := scanDeliveries(rows)
	switch {
	case err != nil:
		return nil, fmt.Errorf("sqlite: get delivery %q: %w", id, dbError(ctx, err))
	case len(ds) == 0:
		return nil, fmt.Errorf("sqlite: get delivery %q: %w", id, seminar.ErrNotFound)
	}
	return ds[0], nil
}

// ClaimDue claims up to limit due deliveries for owner, ordered by DueAt
// and then ID, in one statement: SQLite runs one writer at a time, in this
// process or any other, so two callers never claim the same delivery.
// Limit and lease must be positive.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]*seminar.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: claim due deliveries: %w", err)
	}
	if err := sqlstore.CheckClaim(limit, lease); err != nil {
		return nil, fmt.Errorf("sqlite: claim due deliveries: %w", err)
	}
	until, err := toNS(now.Add(lease))
	if err != nil {
		return nil, fmt.Errorf("sqlite: claim due deliveries: lease until: %w", err)
	}
	rows, err := s.claimDue.QueryContext(ctx, owner, until, boundNS(now), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: claim due deliveries: %w", dbError(ctx, err))
	}
	ds, err := scanDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: claim due deliveries: %w", dbError(ctx, err))
	}
	sqlstore.SortClaimed(ds)
	return ds, nil
}

// Finish stores the outcome d of a claim if the stored delivery is still
// sending under that claim; otherwise it returns an error matching
// seminar.ErrConflict, or seminar.ErrNotFound when there is no such
// delivery.
func (s *Store) Finish(ctx context.Context, d *seminar.Delivery) error {
	return s.pool().finish(ctx, d)
}

func (h handle) finish(ctx context.Context, d *seminar.Delivery) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: finish delivery: %w", err)
	}
	if d == nil {
		return fmt.Errorf("sqlite: finish delivery: %w: delivery is nil", seminar.ErrInvalid)
	}
	args, err := finishArgs(d)
	if err != nil {
		return fmt.Errorf("sqlite: finish delivery %q: %w", d.ID, err)
	}
	res, err := h.stmt(ctx, h.s.finish).ExecContext(ctx, args...)
	if err != nil {
		return fmt.Errorf("sqlite: finish delivery %q: %w", d.ID, dbError(ctx, err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: finish delivery %q: %w", d.ID, dbError(ctx, err))
	}
	if n == 1 {
		return nil
	}
	// Nothing changed, so outside a transaction the reason can be read
	// apart from the update, as update does.
	var (
		state, owner string
		until        int64
	)
	err = h.stmt(ctx, h.s.deliveryLease).QueryRowContext(ctx, d.ID).Scan(&state, &owner, &until)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlite: finish delivery %q: %w", d.ID, seminar.ErrNotFound)
	case err != nil:
		return fmt.Errorf("sqlite: finish delivery %q: %w", d.ID, dbError(ctx, err))
	case state != string(seminar.StateSending):
		return fmt.Errorf("sqlite: finish delivery %q: %w: it is %s, not sending", d.ID, seminar.ErrConflict, state)
	}
	return fmt.Errorf("sqlite: finish delivery %q: %w: it is claimed by %q until %s", d.ID, seminar.ErrConflict,
		owner, fromNS(until).Format(time.RFC3339Nano))
}

// drop marks the pending and retry deliveries among ids as dropped, with
// reason as LastError, in one statement, and returns how many it dropped.
func (h handle) drop(ctx context.Context, reason string, ids []string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("sqlite: drop deliveries: %w", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	res, err := h.stmt(ctx, h.s.drop).ExecContext(ctx, reason, sqlstore.EncodeList(ids))
	if err != nil {
		return 0, fmt.Errorf("sqlite: drop deliveries: %w", dbError(ctx, err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlite: drop deliveries: %w", dbError(ctx, err))
	}
	return int(n), nil
}

// appendDeliveryArgs appends the values of d for the deliveryColumns, in
// order, to args.
func appendDeliveryArgs(args []any, d *seminar.Delivery) ([]any, error) {
	var times [4]int64
	for i, t := range []struct {
		name string
		t    time.Time
	}{{"due at", d.DueAt}, {"lease until", d.LeaseUntil}, {"sent at", d.SentAt}, {"updated at", d.UpdatedAt}} {
		ns, err := toNS(t.t)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
		times[i] = ns
	}
	return append(args,
		d.ID, d.EventID, string(d.Kind), int64(d.Lead), int64(d.Sequence), times[0], string(d.State),
		sqlstore.EncodeList(d.Recipients), int64(d.Attempts), d.LeaseOwner, times[1], d.MessageID, d.LastError,
		sqlstore.EncodeList(d.Refused), d.Note, times[2], times[3],
	), nil
}

// finishArgs returns the parameters of finishSQL for the outcome d.
func finishArgs(d *seminar.Delivery) ([]any, error) {
	var times [4]int64
	for i, t := range []struct {
		name string
		t    time.Time
	}{{"due at", d.DueAt}, {"sent at", d.SentAt}, {"updated at", d.UpdatedAt}, {"lease until", d.LeaseUntil}} {
		ns, err := toNS(t.t)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
		times[i] = ns
	}
	return []any{
		string(d.State), times[0], sqlstore.EncodeList(d.Recipients), d.MessageID, d.LastError, sqlstore.EncodeList(d.Refused), times[1], times[2],
		d.ID, d.LeaseOwner, times[3],
	}, nil
}

// scanDeliveries reads every row of rows, which select the
// deliveryColumns, and closes them.
func scanDeliveries(rows *sql.Rows) ([]*seminar.Delivery, error) {
	defer rows.Close()
	var ds []*seminar.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, rows.Err()
}

func scanDelivery(rows *sql.Rows) (*seminar.Delivery, error) {
	var (
		d                         seminar.Delivery
		kind, state               string
		lead, sequence, attempts  int64
		due, until, sent, updated int64
		recipients, refused       sql.RawBytes
	)
	err := rows.Scan(&d.ID, &d.EventID, &kind, &lead, &sequence, &due, &state, &recipients, &attempts,
		&d.LeaseOwner, &until, &d.MessageID, &d.LastError, &refused, &d.Note, &sent, &updated)
	if err != nil {
		return nil, err
	}
	d.Kind, d.State = seminar.DeliveryKind(kind), seminar.DeliveryState(state)
	d.Lead, d.Sequence, d.Attempts = time.Duration(lead), int(sequence), int(attempts)
	d.DueAt, d.LeaseUntil, d.SentAt, d.UpdatedAt = fromNS(due), fromNS(until), fromNS(sent), fromNS(updated)
	if d.Recipients, err = sqlstore.DecodeStrings(recipients); err != nil {
		return nil, fmt.Errorf("delivery %q: column recipients: %w", d.ID, err)
	}
	if d.Refused, err = sqlstore.DecodeStrings(refused); err != nil {
		return nil, fmt.Errorf("delivery %q: column refused: %w", d.ID, err)
	}
	return &d, nil
}
