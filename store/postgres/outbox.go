package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

// deliveryColumns are the columns of the deliveries table in the order that
// deliveryArgs writes them and scanDelivery reads them.
var deliveryColumns = []string{
	"id", "event_id", "kind", "lead_ns", "sequence", "due_at", "state", "recipients", "attempts",
	"lease_owner", "lease_until", "message_id", "last_error", "refused", "note", "sent_at", "updated_at",
}

// claimSQL returns the one statement of ClaimDue. Its inner SELECT picks the
// due deliveries and locks them, skipping rows another dispatcher has
// locked, so that concurrent claims never wait for each other nor take the
// same row; a row another dispatcher claimed and committed meanwhile is
// checked again against the WHERE clause once locked, and left out.
// MATERIALIZED keeps the locked choice from being planned into the UPDATE,
// where it could run more than once.
//
// A pending or retry delivery other than a cancellation notice is claimed
// only if its event is stored and not cancelled, which the subquery checks
// with the event locked FOR SHARE until the claim commits: a cancellation
// or a delete committed before the lock is seen, even one the claim's
// snapshot missed, and none can commit until the claim has. An event that
// a transaction is writing is skipped, not waited for: its deliveries are
// left for a later claim. A delivery left sending past its lease is claimed
// whatever its event's state, for the dispatcher to end it.
//
// Parameters: $1 now, $2 owner, $3 lease until, $4 limit.
func claimSQL(events, deliveries string) string {
	return `WITH due AS MATERIALIZED (
	SELECT d.id FROM ` + deliveries + ` d
	WHERE (d.state = 'sending' AND d.lease_until < $1)
	   OR (d.state IN ('pending', 'retry') AND d.due_at <= $1 AND (d.kind = 'cancel' OR EXISTS (
		SELECT FROM ` + events + ` e WHERE e.id = d.event_id AND e.status <> 'cancelled' FOR SHARE SKIP LOCKED)))
	ORDER BY d.due_at, d.id
	LIMIT $4
	FOR UPDATE OF d SKIP LOCKED
)
UPDATE ` + deliveries + ` d SET state = 'sending', lease_owner = $2, lease_until = $3, attempts = d.attempts + 1
FROM due WHERE d.id = due.id
RETURNING ` + "d." + strings.Join(deliveryColumns, ", d.")
}

// finishSQL returns the statement of Finish: it writes only while the
// stored delivery is sending under the same claim.
//
// Parameters: $1 id, $2 owner, $3 lease until, then the outcome.
func finishSQL(deliveries string) string {
	return "UPDATE " + deliveries + ` SET state = $4, due_at = $5, recipients = $6, message_id = $7,
	last_error = $8, refused = $9, sent_at = $10, updated_at = $11
WHERE id = $1 AND state = 'sending' AND lease_owner = $2 AND lease_until = $3`
}

// nullTime encodes t for a nullable timestamptz column: NULL for the zero
// time.
func nullTime(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

func fromNullTime(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// storableText returns s with what a PostgreSQL text value cannot hold, NUL
// bytes and invalid UTF-8, replaced by U+FFFD. LastError and Note quote
// mail servers, which may reply in any bytes: recording the outcome of a
// send must not fail on them, or the delivery would be sent again once its
// lease ran out.
func storableText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

func deliveryArgs(d *seminar.Delivery) []any {
	return []any{
		d.ID, d.EventID, string(d.Kind), int64(d.Lead), int64(d.Sequence), d.DueAt, string(d.State),
		d.Recipients, int64(d.Attempts), d.LeaseOwner, nullTime(d.LeaseUntil), d.MessageID, storableText(d.LastError),
		d.Refused, storableText(d.Note), nullTime(d.SentAt), nullTime(d.UpdatedAt),
	}
}

// scanDelivery reads a row of deliveryColumns.
func scanDelivery(row pgx.Row) (*seminar.Delivery, error) {
	var (
		d                        seminar.Delivery
		kind, state              string
		lead, sequence, attempts int64
		leaseUntil, sent, upd    pgtype.Timestamptz
	)
	err := row.Scan(&d.ID, &d.EventID, &kind, &lead, &sequence, &d.DueAt, &state, &d.Recipients, &attempts,
		&d.LeaseOwner, &leaseUntil, &d.MessageID, &d.LastError, &d.Refused, &d.Note, &sent, &upd)
	if err != nil {
		return nil, err
	}
	d.Kind, d.State = seminar.DeliveryKind(kind), seminar.DeliveryState(state)
	d.Lead, d.Sequence, d.Attempts = time.Duration(lead), int(sequence), int(attempts)
	d.DueAt = d.DueAt.UTC()
	d.LeaseUntil, d.SentAt, d.UpdatedAt = fromNullTime(leaseUntil), fromNullTime(sent), fromNullTime(upd)
	return &d, nil
}

func collectDeliveries(rows pgx.Rows) ([]*seminar.Delivery, error) {
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

// addDeliveries stores the deliveries whose ID is not stored yet; of two
// with the same ID in ds, the first is stored. The rows are inserted in ID
// order, so that concurrent transactions adding the same IDs wait for each
// other instead of deadlocking.
func (d db) addDeliveries(ctx context.Context, ds []*seminar.Delivery) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: add deliveries: %w", err)
	}
	seen := make(map[string]bool, len(ds))
	batch := make([]*seminar.Delivery, 0, len(ds))
	for i, del := range ds {
		if del == nil {
			return fmt.Errorf("postgres: add delivery %d: %w: delivery is nil", i, seminar.ErrInvalid)
		}
		if !seen[del.ID] {
			seen[del.ID] = true
			batch = append(batch, del)
		}
	}
	if len(batch) == 0 {
		return nil
	}
	slices.SortFunc(batch, func(a, b *seminar.Delivery) int { return strings.Compare(a.ID, b.ID) })
	var err error
	if len(batch) == 1 {
		_, err = d.q.Exec(ctx, d.sql.addDelivery, deliveryArgs(batch[0])...)
	} else {
		b := &pgx.Batch{}
		for _, del := range batch {
			b.Queue(d.sql.addDelivery, deliveryArgs(del)...)
		}
		err = d.q.SendBatch(ctx, b).Close()
	}
	if err != nil {
		return fmt.Errorf("postgres: add deliveries: %w", dbError(ctx, err))
	}
	return nil
}

// Deliveries returns the deliveries of an event ordered by DueAt, then ID.
func (s *Store) Deliveries(ctx context.Context, eventID string) ([]*seminar.Delivery, error) {
	return s.db().deliveries(ctx, eventID)
}

func (d db) deliveries(ctx context.Context, eventID string) ([]*seminar.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: deliveries of %q: %w", eventID, err)
	}
	rows, err := d.q.Query(ctx, d.sql.deliveries, eventID)
	if err != nil {
		return nil, fmt.Errorf("postgres: deliveries of %q: %w", eventID, dbError(ctx, err))
	}
	ds, err := collectDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: deliveries of %q: %w", eventID, dbError(ctx, err))
	}
	return ds, nil
}

// DeliveriesOf returns the deliveries of the events whose ID is among
// eventIDs, by event ID, in one query. It implements
// seminar.DeliveryBatchGetter.
func (s *Store) DeliveriesOf(ctx context.Context, eventIDs []string) (map[string][]*seminar.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: deliveries of %d events: %w", len(eventIDs), err)
	}
	out := map[string][]*seminar.Delivery{}
	if len(eventIDs) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, s.sql.deliveriesOf, eventIDs)
	if err != nil {
		return nil, fmt.Errorf("postgres: deliveries of %d events: %w", len(eventIDs), dbError(ctx, err))
	}
	ds, err := collectDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: deliveries of %d events: %w", len(eventIDs), dbError(ctx, err))
	}
	for _, d := range ds {
		out[d.EventID] = append(out[d.EventID], d)
	}
	return out, nil
}

// GetDelivery returns the delivery with the given ID, or an error matching
// seminar.ErrNotFound.
func (s *Store) GetDelivery(ctx context.Context, id string) (*seminar.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: get delivery %q: %w", id, err)
	}
	d, err := scanDelivery(s.pool.QueryRow(ctx, s.sql.getDelivery, id))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("postgres: get delivery %q: %w", id, seminar.ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("postgres: get delivery %q: %w", id, dbError(ctx, err))
	}
	return d, nil
}

// ClaimDue claims up to limit due deliveries for owner until now+lease, in
// one statement that skips rows other dispatchers are claiming: see
// claimSQL. They are returned ordered by DueAt, then ID. Limit and lease
// must be positive.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]*seminar.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: claim due deliveries: %w", err)
	}
	if err := sqlstore.CheckClaim(limit, lease); err != nil {
		return nil, fmt.Errorf("postgres: claim due deliveries: %w", err)
	}
	rows, err := s.pool.Query(ctx, s.sql.claim, now, owner, now.Add(lease), limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: claim due deliveries: %w", dbError(ctx, err))
	}
	ds, err := collectDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: claim due deliveries: %w", dbError(ctx, err))
	}
	sqlstore.SortClaimed(ds)
	return ds, nil
}

// Finish stores the outcome of a claimed delivery if the stored delivery is
// still sending under the same claim; otherwise it returns an error matching
// seminar.ErrConflict, or seminar.ErrNotFound when no delivery has d.ID, and
// changes nothing.
func (s *Store) Finish(ctx context.Context, d *seminar.Delivery) error {
	return s.db().finish(ctx, d)
}

func (d db) finish(ctx context.Context, del *seminar.Delivery) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: finish delivery: %w", err)
	}
	if del == nil {
		return fmt.Errorf("postgres: finish delivery: %w: delivery is nil", seminar.ErrInvalid)
	}
	tag, err := d.q.Exec(ctx, d.sql.finish, del.ID, del.LeaseOwner, del.LeaseUntil, string(del.State), del.DueAt,
		del.Recipients, del.MessageID, storableText(del.LastError), del.Refused, nullTime(del.SentAt), nullTime(del.UpdatedAt))
	if err != nil {
		return fmt.Errorf("postgres: finish delivery %q: %w", del.ID, dbError(ctx, err))
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var state string
	err = d.q.QueryRow(ctx, d.sql.deliveryState, del.ID).Scan(&state)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("postgres: finish delivery %q: %w", del.ID, seminar.ErrNotFound)
	case err != nil:
		return fmt.Errorf("postgres: finish delivery %q: %w", del.ID, dbError(ctx, err))
	}
	return fmt.Errorf("postgres: finish delivery %q: %w: it is %s, no longer under the claim of %q until %s",
		del.ID, seminar.ErrConflict, state, del.LeaseOwner, del.LeaseUntil.UTC().Format(time.RFC3339Nano))
}

// drop marks the deliveries among ids that are pending or retry as dropped,
// with reason as LastError, and returns how many it dropped.
func (d db) drop(ctx context.Context, reason string, ids []string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("postgres: drop deliveries: %w", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	tag, err := d.q.Exec(ctx, d.sql.drop, storableText(reason), ids)
	if err != nil {
		return 0, fmt.Errorf("postgres: drop deliveries: %w", dbError(ctx, err))
	}
	return int(tag.RowsAffected()), nil
}
