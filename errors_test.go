package seminar_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/memstore"
)

// brokenStore fails every call with an error that names its own layer, as a
// real Store's do ("sqlite: ...").
type brokenStore struct{ seminar.Store }

var errDisk = errors.New("broken: the disk is on fire")

func (brokenStore) Get(context.Context, string) (*seminar.Event, error) { return nil, errDisk }
func (brokenStore) List(context.Context, seminar.ListQuery) ([]*seminar.Event, error) {
	return nil, errDisk
}

// TestCalendar_errorsNameEachLayerOnce: an error says "seminar:" once, then
// what the Calendar was doing, then what the layer below said, as
// database/sql and net/http errors read; never "seminar: x: seminar: y".
func TestCalendar_errorsNameEachLayerOnce(t *testing.T) {
	ctx := context.Background()
	cal, mailer, _ := newReminderCalendar(t, memstore.New(), nil)
	broken, err := seminar.New(brokenStore{memstore.New()}, nil)
	require.NoError(t, err)
	talk, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)
	stale := talk.Clone()
	talk.Title = "Edited"
	_, err = cal.Update(ctx, talk)
	require.NoError(t, err)
	badSubject := seedEvent(t)
	badSubject.Reminders.Subject = "{{.NoSuchField}}"

	calls := map[string]func() error{
		"create invalid":         func() error { _, err := cal.Create(ctx, &seminar.Event{}); return err },
		"create many invalid":    func() error { _, err := cal.CreateMany(ctx, []*seminar.Event{seedEvent(t), {}}); return err },
		"get missing":            func() error { _, err := cal.Get(ctx, "missing"); return err },
		"update stale":           func() error { _, err := cal.Update(ctx, stale); return err },
		"update invalid":         func() error { _, err := cal.Update(ctx, &seminar.Event{ID: talk.ID}); return err },
		"cancel missing":         func() error { _, err := cal.Cancel(ctx, "missing", ""); return err },
		"delete missing":         func() error { return cal.Delete(ctx, "missing") },
		"list invalid":           func() error { _, err := cal.List(ctx, seminar.Query{Limit: -1}); return err },
		"list broken store":      func() error { _, err := broken.List(ctx, seminar.Query{}); return err },
		"month broken store":     func() error { _, err := broken.Month(ctx, 2017, 6, seminar.Filter{}); return err },
		"get broken store":       func() error { _, err := broken.Get(ctx, "x"); return err },
		"preview missing":        func() error { _, err := cal.PreviewReminder(ctx, "missing"); return err },
		"preview without mailer": func() error { _, err := broken.PreviewReminder(ctx, "x"); return err },
		"send missing":           func() error { _, err := cal.SendReminder(ctx, "missing", false); return err },
		"import invalid":         func() error { _, err := cal.Import(ctx, []*seminar.Event{{}}); return err },
		"view bad subject":       func() error { _, err := seminar.NewView(badSubject); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			require.Error(t, err)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "seminar: "), "the error starts with the package: %q", msg)
			assert.Equal(t, 1, strings.Count(msg, "seminar: "), "the Calendar names itself once: %q", msg)
			assert.LessOrEqual(t, strings.Count(msg, "broken: "), 1, "the store's words appear once: %q", msg)
		})
	}
	assert.Empty(t, mailer.messages(), "no failing call sent anything")
}
