package web_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/memstore"
	"github.com/seminarkit/seminar/store/sqlite"
	"github.com/seminarkit/seminar/web"
)

// sameAsFresh checks that every page of paths, for each role, is served by
// s's Handler, warm from the requests before, exactly as a new Handler on
// the same Calendar serves it after reading everything in full: the same
// status, ETag and bytes.
func sameAsFresh(t *testing.T, s *site, what string, paths []string) {
	t.Helper()
	fresh, err := web.New(s.cal, &web.Options{Authorize: roles, Now: s.now(), Poll: -1})
	require.NoError(t, err)
	f := &site{t: t, cal: s.cal, h: fresh}
	for _, role := range []string{"", "viewer"} {
		for _, path := range paths {
			got, want := s.getPage(path, role), f.getPage(path, role)
			if assert.Equal(t, want.StatusCode, got.StatusCode, "%s: %s as %q", what, path, role) {
				assert.Equal(t, want.Header.Get("Etag"), got.Header.Get("Etag"), "%s: %s as %q", what, path, role)
				if got.body != want.body {
					t.Errorf("%s: %s as %q: the page differs from a new Handler's: %s", what, path, role, firstDiff(got.body, want.body))
				}
			}
		}
	}
}

// firstDiff shows where got and want part, with some context.
func firstDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("at byte %d, got %q, want %q", i, got[from:min(len(got), i+80)], want[from:min(len(want), i+80)])
}

func (s *site) now() func() time.Time { return func() time.Time { return siteNow } }

// TestHandler_patchedMonthsEqualFullReads writes, through the site's
// Calendar or through another one on the same SQLite file, every kind of
// change a talk goes through, and checks after each that the pages, whose
// month listings are patched with the events written since rather than
// read again, are byte for byte those of a new Handler; and that the
// listings were patched after an edit, and read in full after a delete.
func TestHandler_patchedMonthsEqualFullReads(t *testing.T) {
	for _, tc := range []struct {
		name    string
		another bool // write through another Calendar on the same file
		sqlite  bool
	}{
		{name: "memstore"},
		{name: "sqlite", sqlite: true},
		{name: "sqlite-another-calendar", sqlite: true, another: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var store, writerStore seminar.Store = memstore.New(), nil
			if tc.sqlite {
				path := filepath.Join(t.TempDir(), "talks.db")
				open := func() seminar.Store {
					st, err := sqlite.Open(context.Background(), path, nil)
					require.NoError(t, err)
					t.Cleanup(func() { st.Close() })
					return st
				}
				store = open()
				if tc.another {
					writerStore = open()
				}
			}
			s := newSite(t, &siteOptions{store: store, web: web.Options{Poll: -1}})
			w := s.cal
			if writerStore != nil {
				var err error
				w, err = seminar.New(writerStore, &seminar.Options{Domain: "csail.mit.edu", TimeZone: "America/New_York",
					Now: s.now()})
				require.NoError(t, err)
			}
			ctx := context.Background()
			create := func(e *seminar.Event) *seminar.Event {
				created, err := w.Create(ctx, e)
				require.NoError(t, err)
				return created
			}
			edit := func(id string, change func(e *seminar.Event)) {
				e, err := w.Get(ctx, id)
				require.NoError(t, err)
				change(e)
				_, err = w.Update(ctx, e)
				require.NoError(t, err)
			}
			vision := s.vision()
			seed := create(seedTalk(t))
			o := talk(t, "Learning to see by moving", 12, 11)
			o.Series = vision.ID
			other := create(o)
			third := create(talk(t, "Scene understanding", 20, 10))
			july := create(talkIn(t, "A talk in July", time.July, 10, 11))
			ids := []string{seed.ID, other.ID, third.ID, july.ID}
			paths := func() []string {
				p := []string{"/", "/months/2017-06", "/months/2017-07", "/series/" + vision.ID}
				for _, id := range ids {
					p = append(p, "/events/"+id)
				}
				return p
			}
			sameAsFresh(t, s, "at first", paths())

			patched := func(what string, write func(), wantPatched bool) {
				t.Helper()
				before := web.PatchedMonths(s.h)
				write()
				sameAsFresh(t, s, what, paths())
				if wantPatched {
					assert.Greater(t, web.PatchedMonths(s.h), before, "%s: the months are patched", what)
				} else {
					assert.Equal(t, before, web.PatchedMonths(s.h), "%s: the months are read in full", what)
				}
			}
			patched("a title edited", func() { edit(seed.ID, func(e *seminar.Event) { e.Title = "Energy landscapes" }) }, true)
			patched("a talk moved within its month", func() {
				edit(third.ID, func(e *seminar.Event) { e.Start, e.End = e.Start.AddDate(0, 0, -10), e.End.AddDate(0, 0, -10) })
			}, true)
			patched("a talk moved to the next month", func() {
				edit(seed.ID, func(e *seminar.Event) { e.Start, e.End = e.Start.AddDate(0, 1, 0), e.End.AddDate(0, 1, 0) })
			}, true)
			patched("and back", func() {
				edit(seed.ID, func(e *seminar.Event) { e.Start, e.End = e.Start.AddDate(0, -1, 0), e.End.AddDate(0, -1, 0) })
			}, true)
			patched("a talk moved across the turn of the month", func() {
				edit(third.ID, func(e *seminar.Event) {
					start, err := seminar.WallTime(2017, time.June, 30, 23, 30, "America/New_York")
					require.NoError(t, err)
					e.Start, e.End = start, start.Add(time.Hour) // in June's listing and July's
				})
			}, true)
			patched("a talk cancelled", func() {
				_, err := w.Cancel(ctx, other.ID, "Ill")
				require.NoError(t, err)
			}, true)
			patched("a talk made private", func() { edit(third.ID, func(e *seminar.Event) { e.Public = false }) }, true)
			patched("several talks written at once", func() {
				edit(third.ID, func(e *seminar.Event) { e.Public = true })
				edit(july.ID, func(e *seminar.Event) { e.Location.Room = "32-D463" })
			}, true)
			// Changed returns a talk's last write only: whether the mark
			// of the one before was a delete is not known.
			patched("a talk written twice", func() {
				edit(third.ID, func(e *seminar.Event) { e.Title = "Scenes" })
				edit(third.ID, func(e *seminar.Event) { e.Title = "Scenes of the world" })
			}, false)
			patched("a talk created", func() {
				ids = append(ids, create(talk(t, "A new talk", 2, 15)).ID)
			}, true)
			patched("a talk deleted", func() { require.NoError(t, w.Delete(ctx, july.ID)) }, false)
			assert.Equal(t, http.StatusNotFound, s.getPage("/events/"+july.ID, "").StatusCode, "a deleted talk is gone")
			patched("an edit after the delete", func() { edit(other.ID, func(e *seminar.Event) { e.Title = "Moving" }) }, true)
			patched("a series renamed", func() {
				v := vision.Clone()
				v.Name = "Computer Vision Seminar"
				_, err := w.UpdateSeries(ctx, v)
				require.NoError(t, err)
			}, false)
			patched("a talk created and deleted", func() {
				gone := create(talk(t, "Gone at once", 3, 15))
				require.NoError(t, w.Delete(ctx, gone.ID))
			}, false)
		})
	}
}

// restorable is a memstore whose content can be replaced by another's, as
// a database restored from a backup is: its marks go back.
type restorable struct{ *memstore.Store }

// TestHandler_patchedMonthsAfterARestore restores the store to an older
// copy, whose marks are lower than those the Handler has seen: the pages
// are read in full again, and equal a new Handler's.
func TestHandler_patchedMonthsAfterARestore(t *testing.T) {
	live := &restorable{memstore.New()}
	s := newSite(t, &siteOptions{store: live, web: web.Options{Poll: -1}})
	ctx := context.Background()
	seed := s.create(seedTalk(t))
	other := s.create(talk(t, "Learning to see by moving", 5, 11))
	paths := []string{"/", "/months/2017-06", "/events/" + seed.ID, "/events/" + other.ID}

	// The backup holds both talks as they were, in one write: mark 2.
	backup := memstore.New()
	old := []*seminar.Event{s.get(seed.ID), s.get(other.ID)}
	require.NoError(t, backup.Create(ctx, old...))

	for i := range 5 {
		e := s.get(other.ID)
		e.Title = "Edit " + string(rune('a'+i))
		_, err := s.cal.Update(ctx, e)
		require.NoError(t, err)
	}
	sameAsFresh(t, s, "before the restore", paths)
	before := web.PatchedMonths(s.h)
	live.Store = backup
	sameAsFresh(t, s, "after the restore", paths)
	assert.Contains(t, text(s.getPage("/events/"+seed.ID, "").body), "Learning to see by moving")
	assert.Equal(t, before, web.PatchedMonths(s.h), "read in full after the restore")

	e := s.get(seed.ID)
	e.Title = "Energy landscapes"
	_, err := s.cal.Update(ctx, e)
	require.NoError(t, err)
	sameAsFresh(t, s, "an edit after the restore", paths)
	assert.Greater(t, web.PatchedMonths(s.h), before, "patched again after the restore")
}

// TestHandler_patchedMonthsUnderConcurrentWrites serves pages from several
// goroutines while another Calendar on the same SQLite file edits, moves,
// cancels, creates and deletes talks; once the writes stop, every page
// equals a new Handler's.
func TestHandler_patchedMonthsUnderConcurrentWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "talks.db")
	open := func() seminar.Store {
		st, err := sqlite.Open(context.Background(), path, nil)
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		return st
	}
	s := newSite(t, &siteOptions{store: open(), web: web.Options{Poll: -1}})
	w, err := seminar.New(open(), &seminar.Options{Domain: "csail.mit.edu", TimeZone: "America/New_York", Now: s.now()})
	require.NoError(t, err)
	ctx := context.Background()
	var ids []string
	for i := range 6 {
		e, err := w.Create(ctx, talk(t, fmt.Sprintf("Talk %d", i), 1+4*i, 10))
		require.NoError(t, err)
		ids = append(ids, e.ID)
	}
	paths := []string{"/", "/months/2017-06", "/months/2017-07"}
	for _, id := range ids {
		paths = append(paths, "/events/"+id)
	}

	done := make(chan struct{})
	errs := make(chan error, 4)
	served := slices.Clone(paths)
	for range 3 {
		go func() {
			for i := 0; ; i++ {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				path := served[i%len(served)]
				r := s.getPage(path, "")
				if r.StatusCode != http.StatusOK && r.StatusCode != http.StatusNotFound {
					errs <- fmt.Errorf("%s: status %d", path, r.StatusCode)
					return
				}
			}
		}()
	}
	for i := range 60 {
		id := ids[i%len(ids)]
		e, err := w.Get(ctx, id)
		if err != nil {
			continue // deleted
		}
		switch i % 6 {
		case 0, 1:
			e.Title = fmt.Sprintf("Talk %d, edit %d", i%len(ids), i)
		case 2:
			e.Start, e.End = e.Start.AddDate(0, 1, 0), e.End.AddDate(0, 1, 0)
		case 3:
			e.Start, e.End = e.Start.AddDate(0, -1, 0), e.End.AddDate(0, -1, 0)
		case 4:
			e.Public = !e.Public
		case 5:
			if i%4 == 1 {
				require.NoError(t, w.Delete(ctx, id))
				created, err := w.Create(ctx, talk(t, fmt.Sprintf("Talk %d again", i), 1+i%28, 15))
				require.NoError(t, err)
				ids[i%len(ids)] = created.ID
				paths = append(paths, "/events/"+created.ID)
				continue
			}
			if !e.Cancelled() {
				_, err := w.Cancel(ctx, id, "Ill")
				require.NoError(t, err)
			}
			continue
		}
		_, err = w.Update(ctx, e)
		require.NoError(t, err)
		time.Sleep(time.Millisecond)
	}
	close(done)
	for range 3 {
		require.NoError(t, <-errs)
	}
	sameAsFresh(t, s, "after concurrent writes", paths)
}
