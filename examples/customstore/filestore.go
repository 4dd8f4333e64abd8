package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/seminarkit/seminar"
)

// FileStore is a seminar.Store that keeps every event in one JSON file,
// events.json, in a directory of its own.
//
// Each call reads the whole file, and each write replaces it: the new
// contents go to a temporary file that is then renamed over the old one, so a
// crash leaves either the old file or the new one, never half of one. A
// mutex makes each call one atomic step for all goroutines of this process.
// It takes no file lock, so two processes must not share a directory.
//
// Reading and writing the whole file on every call keeps the code short and
// obviously right, and it means nothing returned shares memory with the
// store; it suits a few thousand events, not a million.
type FileStore struct {
	mu   sync.Mutex
	path string
}

var _ seminar.Store = (*FileStore)(nil)

// NewFileStore returns a store keeping its events in dir, which it creates
// if needed. Events already in dir are kept.
func NewFileStore(dir string) (*FileStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	return &FileStore{path: filepath.Join(dir, "events.json")}, nil
}

// Path returns the file the events are kept in.
func (s *FileStore) Path() string { return s.path }

// Create stores all events, or none of them if any ID or UID is already
// stored or appears twice among events.
func (s *FileStore) Create(ctx context.Context, events ...*seminar.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, err := s.load()
	if err != nil {
		return err
	}
	ids := make(map[string]bool)
	uids := make(map[string]bool)
	for _, e := range stored {
		ids[e.ID], uids[e.UID] = true, true
	}
	// Check every new event, against the stored ones and against each
	// other, before writing anything: Create is all or nothing.
	for _, e := range events {
		if ids[e.ID] {
			return fmt.Errorf("%w: event ID %q", seminar.ErrExists, e.ID)
		}
		if uids[e.UID] {
			return fmt.Errorf("%w: event UID %q", seminar.ErrExists, e.UID)
		}
		ids[e.ID], uids[e.UID] = true, true
	}
	return s.save(append(stored, events...))
}

// Get returns the event with the given ID.
func (s *FileStore) Get(ctx context.Context, id string) (*seminar.Event, error) {
	return s.find(ctx, func(e *seminar.Event) bool { return e.ID == id })
}

// GetByUID returns the event whose UID is uid.
func (s *FileStore) GetByUID(ctx context.Context, uid string) (*seminar.Event, error) {
	return s.find(ctx, func(e *seminar.Event) bool { return e.UID == uid })
}

// find returns the first stored event that match accepts.
func (s *FileStore) find(ctx context.Context, match func(*seminar.Event) bool) (*seminar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, err := s.load()
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(stored, match)
	if i < 0 {
		return nil, seminar.ErrNotFound
	}
	return stored[i], nil
}

// Update replaces the event e.ID by e if its stored Version is prevVersion.
func (s *FileStore) Update(ctx context.Context, e *seminar.Event, prevVersion int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, err := s.load()
	if err != nil {
		return err
	}
	i := indexOf(stored, e.ID)
	if i < 0 {
		return seminar.ErrNotFound
	}
	if stored[i].Version != prevVersion {
		return fmt.Errorf("%w: stored version is %d, not %d", seminar.ErrConflict, stored[i].Version, prevVersion)
	}
	for _, other := range stored {
		if other.UID == e.UID && other.ID != e.ID {
			return fmt.Errorf("%w: UID %q belongs to event %q", seminar.ErrExists, e.UID, other.ID)
		}
	}
	stored[i] = e
	return s.save(stored)
}

// Delete removes the event with the given ID.
func (s *FileStore) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, err := s.load()
	if err != nil {
		return err
	}
	i := indexOf(stored, id)
	if i < 0 {
		return seminar.ErrNotFound
	}
	return s.save(slices.Delete(stored, i, i+1))
}

// List returns up to q.Limit events matching q, ordered by Start and then
// by ID. seminar.ListQuery.Match and seminar.Compare say exactly which
// events and in what order, so a store that filters in memory need not
// restate the rules.
func (s *FileStore) List(ctx context.Context, q seminar.ListQuery) ([]*seminar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, err := s.load()
	if err != nil {
		return nil, err
	}
	matched := slices.DeleteFunc(stored, func(e *seminar.Event) bool { return !q.Match(e) })
	slices.SortFunc(matched, seminar.Compare)
	return matched[:min(len(matched), q.Limit)], nil
}

// load reads every stored event; a missing file holds none.
func (s *FileStore) load() ([]*seminar.Event, error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	var events []*seminar.Event
	if err := json.Unmarshal(data, &events); err != nil {
		return nil, fmt.Errorf("filestore: read %s: %w", s.path, err)
	}
	return events, nil
}

// save replaces the file with events: it writes a temporary file next to it,
// flushes it to disk and renames it over the old one.
func (s *FileStore) save(events []*seminar.Event) error {
	data, err := json.MarshalIndent(events, "", "\t")
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".events-*.json")
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
