package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/seminarkit/seminar"
)

// FileStore is a seminar.Store, seminar.Outbox and seminar.SeriesStore
// that keeps everything in one JSON file, calendar.json, in a directory of
// its own: the events, the series, the reminder deliveries, and the marks
// of the writes.
//
// Each call reads the whole file, and each write replaces it: the new
// contents go to a temporary file that is then renamed over the old one, so a
// crash leaves either the old file or the new one, never half of one. That
// makes transactions simple: Atomic reads the file once, lets the Calendar
// change the copy in memory, and writes it back only if every step
// succeeded; a failed transaction is forgotten. A mutex makes each call one
// atomic step for all goroutines of this process. It takes no file lock, so
// two processes must not share a directory.
//
// Reading and writing the whole file on every call keeps the code short and
// obviously right, and it means nothing returned shares memory with the
// store; it suits a few thousand events, not a million.
type FileStore struct {
	mu   sync.Mutex
	path string
}

var (
	_ seminar.Store         = (*FileStore)(nil)
	_ seminar.Outbox        = (*FileStore)(nil)
	_ seminar.ChangeTracker = (*FileStore)(nil)
	_ seminar.SeriesStore   = (*FileStore)(nil)
)

// NewFileStore returns a store keeping its data in dir, which it creates if
// needed. Data already in dir is kept; a file written before series were
// kept is brought up to date (see contents.migrate).
func NewFileStore(dir string) (*FileStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	s := &FileStore{path: filepath.Join(dir, "calendar.json")}
	old, err := s.readFile()
	if err != nil {
		return nil, err
	}
	if old != nil && old.Format < fileFormat {
		old.migrate(time.Now().UTC())
		if err := s.save(old); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Path returns the file the calendar is kept in.
func (s *FileStore) Path() string { return s.path }

// fileFormat is the format of the file this code writes: 1 since series
// are kept, 0 (no "format") before.
const fileFormat = 1

// contents is what the file holds.
type contents struct {
	Format     int                 `json:"format,omitempty"`
	Events     []*seminar.Event    `json:"events"`
	Series     []*seminar.Series   `json:"series,omitempty"`
	Deliveries []*seminar.Delivery `json:"deliveries,omitempty"`
	// Mark is the last mark handed out; Marks holds the mark of each
	// stored event's last write (see seminar.Outbox.Changed).
	Mark  int64            `json:"mark"`
	Marks map[string]int64 `json:"marks,omitempty"`
}

// read calls f with the contents of the file.
func (s *FileStore) read(ctx context.Context, f func(c *contents) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.load()
	if err != nil {
		return err
	}
	return f(c)
}

// write calls f with the contents of the file and saves what f made of
// them, unless f fails.
func (s *FileStore) write(ctx context.Context, f func(c *contents) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.load()
	if err != nil {
		return err
	}
	if err := f(c); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.save(c)
}

// Create stores all events, or none of them if any ID or UID is already
// stored or appears twice among events.
func (s *FileStore) Create(ctx context.Context, events ...*seminar.Event) error {
	return s.write(ctx, func(c *contents) error { return c.create(events) })
}

// Get returns the event with the given ID.
func (s *FileStore) Get(ctx context.Context, id string) (e *seminar.Event, err error) {
	err = s.read(ctx, func(c *contents) error { e, err = c.get(id); return err })
	return e, err
}

// GetByUID returns the event whose UID is uid.
func (s *FileStore) GetByUID(ctx context.Context, uid string) (e *seminar.Event, err error) {
	err = s.read(ctx, func(c *contents) error {
		i := slices.IndexFunc(c.Events, func(e *seminar.Event) bool { return e.UID == uid })
		if i < 0 {
			return seminar.ErrNotFound
		}
		e = c.Events[i]
		return nil
	})
	return e, err
}

// Update replaces the event e.ID by e if its stored Version is prevVersion.
func (s *FileStore) Update(ctx context.Context, e *seminar.Event, prevVersion int64) error {
	return s.write(ctx, func(c *contents) error { return c.update(e, prevVersion) })
}

// Delete removes the event with the given ID.
func (s *FileStore) Delete(ctx context.Context, id string) error {
	return s.write(ctx, func(c *contents) error { return c.delete(id) })
}

// List returns up to q.Limit events matching q, ordered by Start and then
// by ID. seminar.ListQuery.Match and seminar.Compare say exactly which
// events and in what order, so a store that filters in memory need not
// restate the rules.
func (s *FileStore) List(ctx context.Context, q seminar.ListQuery) (out []*seminar.Event, err error) {
	err = s.read(ctx, func(c *contents) error {
		out = slices.DeleteFunc(c.Events, func(e *seminar.Event) bool { return !q.Match(e) })
		slices.SortFunc(out, seminar.Compare)
		out = out[:min(len(out), q.Limit)]
		return nil
	})
	return out, err
}

// ChangeToken returns the last mark handed out: it rises with every write.
func (s *FileStore) ChangeToken(ctx context.Context) (token string, err error) {
	err = s.read(ctx, func(c *contents) error { token = strconv.FormatInt(c.Mark, 10); return nil })
	return token, err
}

// Atomic runs fn on the contents of the file read once, and saves them if
// fn returns nil. A panic in fn leaves the file as it was.
func (s *FileStore) Atomic(ctx context.Context, fn func(tx seminar.Tx) error) error {
	return s.write(ctx, func(c *contents) error {
		tx := &fileTx{c: c}
		defer func() { tx.done = true }()
		return fn(tx)
	})
}

// Deliveries returns the deliveries of an event ordered by DueAt, then ID.
func (s *FileStore) Deliveries(ctx context.Context, eventID string) (out []*seminar.Delivery, err error) {
	err = s.read(ctx, func(c *contents) error { out = c.deliveriesOf(eventID); return nil })
	return out, err
}

// GetDelivery returns the delivery with the given ID.
func (s *FileStore) GetDelivery(ctx context.Context, id string) (d *seminar.Delivery, err error) {
	err = s.read(ctx, func(c *contents) error {
		if d = c.delivery(id); d == nil {
			return seminar.ErrNotFound
		}
		return nil
	})
	return d, err
}

// ClaimDue claims up to limit due deliveries for owner.
func (s *FileStore) ClaimDue(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) (out []*seminar.Delivery, err error) {
	switch {
	case limit <= 0:
		return nil, fmt.Errorf("%w: limit %d is not positive", seminar.ErrInvalid, limit)
	case lease <= 0:
		return nil, fmt.Errorf("%w: lease %s is not positive", seminar.ErrInvalid, lease)
	}
	err = s.write(ctx, func(c *contents) error {
		due := slices.DeleteFunc(slices.Clone(c.Deliveries), func(d *seminar.Delivery) bool { return !c.claimable(d, now) })
		slices.SortFunc(due, compareDeliveries)
		for _, d := range due[:min(limit, len(due))] {
			d.State, d.LeaseOwner, d.LeaseUntil = seminar.StateSending, owner, now.Add(lease)
			d.Attempts++
			out = append(out, d.Clone())
		}
		return nil
	})
	return out, err
}

// Finish stores the outcome d of a claim if the delivery is still sending
// under that claim.
func (s *FileStore) Finish(ctx context.Context, d *seminar.Delivery) error {
	return s.write(ctx, func(c *contents) error { return c.finish(d) })
}

// Changed returns up to limit events whose last write has a mark above mark,
// in the order of their marks, and the mark of the last one.
func (s *FileStore) Changed(ctx context.Context, mark int64, limit int) (out []*seminar.Event, last int64, err error) {
	if limit <= 0 {
		return nil, 0, fmt.Errorf("%w: limit %d is not positive", seminar.ErrInvalid, limit)
	}
	err = s.read(ctx, func(c *contents) error {
		out = slices.DeleteFunc(c.Events, func(e *seminar.Event) bool { return c.Marks[e.ID] <= mark })
		slices.SortFunc(out, func(a, b *seminar.Event) int { return cmp.Compare(c.Marks[a.ID], c.Marks[b.ID]) })
		out = out[:min(len(out), limit)]
		last = c.Mark
		if len(out) > 0 {
			last = c.Marks[out[len(out)-1].ID]
		}
		return nil
	})
	return out, last, err
}

// fileTx is a transaction of Atomic: the contents of the file, read once.
type fileTx struct {
	c    *contents
	done bool
}

func (t *fileTx) check(ctx context.Context) error {
	if t.done {
		return errors.New("filestore: the transaction has ended")
	}
	return ctx.Err()
}

func (t *fileTx) Get(ctx context.Context, id string) (*seminar.Event, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.c.get(id)
}

func (t *fileTx) Create(ctx context.Context, events ...*seminar.Event) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	return t.c.create(events)
}

func (t *fileTx) Update(ctx context.Context, e *seminar.Event, prevVersion int64) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	return t.c.update(e, prevVersion)
}

func (t *fileTx) Delete(ctx context.Context, id string) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	return t.c.delete(id)
}

func (t *fileTx) Deliveries(ctx context.Context, eventID string) ([]*seminar.Delivery, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.c.deliveriesOf(eventID), nil
}

func (t *fileTx) AddDeliveries(ctx context.Context, ds ...*seminar.Delivery) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if i := slices.Index(ds, nil); i >= 0 {
		return fmt.Errorf("%w: deliveries[%d] is nil", seminar.ErrInvalid, i)
	}
	for _, d := range ds {
		if t.c.delivery(d.ID) == nil {
			t.c.Deliveries = append(t.c.Deliveries, d.Clone())
		}
	}
	return nil
}

func (t *fileTx) Drop(ctx context.Context, reason string, ids ...string) (int, error) {
	if err := t.check(ctx); err != nil {
		return 0, err
	}
	n := 0
	for _, d := range t.c.Deliveries {
		if slices.Contains(ids, d.ID) && (d.State == seminar.StatePending || d.State == seminar.StateRetry) {
			d.State, d.LastError = seminar.StateDropped, reason
			n++
		}
	}
	return n, nil
}

func (t *fileTx) Finish(ctx context.Context, d *seminar.Delivery) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	return t.c.finish(d)
}

// The operations on the contents, shared by the store's methods and its
// transactions. Events and deliveries go in and come out as copies.

func (c *contents) get(id string) (*seminar.Event, error) {
	i := indexOf(c.Events, id)
	if i < 0 {
		return nil, seminar.ErrNotFound
	}
	return c.Events[i].Clone(), nil
}

func (c *contents) create(events []*seminar.Event) error {
	ids := make(map[string]bool)
	uids := make(map[string]bool)
	for _, e := range c.Events {
		ids[e.ID], uids[e.UID] = true, true
	}
	// Check every new event, against the stored ones and against each
	// other, before writing anything: Create is all or nothing.
	for i, e := range events {
		switch {
		case e == nil:
			return fmt.Errorf("%w: events[%d] is nil", seminar.ErrInvalid, i)
		case ids[e.ID]:
			return fmt.Errorf("%w: event ID %q", seminar.ErrExists, e.ID)
		case uids[e.UID]:
			return fmt.Errorf("%w: event UID %q", seminar.ErrExists, e.UID)
		}
		ids[e.ID], uids[e.UID] = true, true
	}
	for _, e := range events {
		c.Events = append(c.Events, e.Clone())
		c.mark(e.ID)
	}
	return nil
}

func (c *contents) update(e *seminar.Event, prevVersion int64) error {
	if e == nil {
		return fmt.Errorf("%w: event is nil", seminar.ErrInvalid)
	}
	i := indexOf(c.Events, e.ID)
	if i < 0 {
		return seminar.ErrNotFound
	}
	if c.Events[i].Version != prevVersion {
		return fmt.Errorf("%w: stored version is %d, not %d", seminar.ErrConflict, c.Events[i].Version, prevVersion)
	}
	for _, other := range c.Events {
		if other.UID == e.UID && other.ID != e.ID {
			return fmt.Errorf("%w: UID %q belongs to event %q", seminar.ErrExists, e.UID, other.ID)
		}
	}
	c.Events[i] = e.Clone()
	c.mark(e.ID)
	return nil
}

func (c *contents) delete(id string) error {
	i := indexOf(c.Events, id)
	if i < 0 {
		return seminar.ErrNotFound
	}
	c.Events = slices.Delete(c.Events, i, i+1)
	c.Mark++
	delete(c.Marks, id)
	return nil
}

// mark hands the event id a new mark.
func (c *contents) mark(id string) {
	if c.Marks == nil {
		c.Marks = make(map[string]int64)
	}
	c.Mark++
	c.Marks[id] = c.Mark
}

func (c *contents) delivery(id string) *seminar.Delivery {
	i := slices.IndexFunc(c.Deliveries, func(d *seminar.Delivery) bool { return d.ID == id })
	if i < 0 {
		return nil
	}
	return c.Deliveries[i].Clone()
}

func (c *contents) deliveriesOf(eventID string) []*seminar.Delivery {
	var out []*seminar.Delivery
	for _, d := range c.Deliveries {
		if d.EventID == eventID {
			out = append(out, d.Clone())
		}
	}
	slices.SortFunc(out, compareDeliveries)
	return out
}

// claimable reports whether d may be claimed at now: due, or left sending
// past its lease; and, unless it is a cancellation notice or was left
// sending, of an event that is stored and not cancelled.
func (c *contents) claimable(d *seminar.Delivery, now time.Time) bool {
	switch d.State {
	case seminar.StateSending:
		return d.LeaseUntil.Before(now)
	case seminar.StatePending, seminar.StateRetry:
		if d.DueAt.After(now) {
			return false
		}
	default:
		return false
	}
	if d.Kind == seminar.KindCancel {
		return true
	}
	i := indexOf(c.Events, d.EventID)
	return i >= 0 && !c.Events[i].Cancelled()
}

func (c *contents) finish(d *seminar.Delivery) error {
	if d == nil {
		return fmt.Errorf("%w: delivery is nil", seminar.ErrInvalid)
	}
	i := slices.IndexFunc(c.Deliveries, func(x *seminar.Delivery) bool { return x.ID == d.ID })
	if i < 0 {
		return seminar.ErrNotFound
	}
	cur := c.Deliveries[i]
	if cur.State != seminar.StateSending || cur.LeaseOwner != d.LeaseOwner || !cur.LeaseUntil.Equal(d.LeaseUntil) {
		return fmt.Errorf("%w: the delivery is %s, claimed by %q until %s", seminar.ErrConflict,
			cur.State, cur.LeaseOwner, cur.LeaseUntil.Format(time.RFC3339Nano))
	}
	out := d.Clone()
	cur.State, cur.DueAt, cur.Recipients = out.State, out.DueAt, out.Recipients
	cur.MessageID, cur.LastError, cur.Refused = out.MessageID, out.LastError, out.Refused
	cur.SentAt, cur.UpdatedAt = out.SentAt, out.UpdatedAt
	return nil
}

// compareDeliveries orders deliveries by DueAt and then by ID.
func compareDeliveries(a, b *seminar.Delivery) int {
	if c := a.DueAt.Compare(b.DueAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// load reads the file; a missing file holds nothing.
func (s *FileStore) load() (*contents, error) {
	c, err := s.readFile()
	switch {
	case err != nil:
		return nil, err
	case c == nil:
		return &contents{Format: fileFormat}, nil
	case c.Format < fileFormat:
		// Written by an older version after this store was opened.
		c.migrate(time.Now().UTC())
	}
	return c, nil
}

// readFile reads the file as it is, or returns nil if there is none.
func (s *FileStore) readFile() (*contents, error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	var c contents
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("filestore: read %s: %w", s.path, err)
	}
	return &c, nil
}

// save replaces the file with c: it writes a temporary file next to it,
// flushes it to disk and renames it over the old one.
func (s *FileStore) save(c *contents) error {
	c.Format = fileFormat
	data, err := json.MarshalIndent(c, "", "\t")
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".calendar-*.json")
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("filestore: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("filestore: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("filestore: write %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	return nil
}

// indexOf returns the index of the event with the given ID, or -1.
func indexOf(events []*seminar.Event, id string) int {
	return slices.IndexFunc(events, func(e *seminar.Event) bool { return e.ID == id })
}
