package seminar

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// variedEvents returns n events that differ in every way the reminder
// templates look at: speakers, slots, links, zones, cancellation, length.
func variedEvents(t *testing.T, n int) []*Event {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	zones := []string{"America/New_York", "Europe/Berlin", "UTC", "Asia/Kolkata"}
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	var events []*Event
	for i := range n {
		zone := zones[i%len(zones)]
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		start := time.Date(2017, time.June, 1+i%28, 9+i%9, 30*(i%2), 0, 0, loc)
		e := &Event{
			ID: fmt.Sprintf("ev%d", i), UID: fmt.Sprintf("ev%d@example.org", i),
			Title:    pick("", "Deep nets", "Ein Vortrag über Größen & <Grenzen>", "A very long title that goes on and on past the seventy-two columns a reader shows"),
			Type:     pick("", "Seminar", "Thesis Defense"),
			Series:   pick("", "ml-tea"),
			Start:    start,
			End:      start.Add(time.Duration(1+r.IntN(50)) * time.Hour),
			TimeZone: zone, Public: r.IntN(2) == 0,
			Location:        Location{Room: pick("", "32-D507"), Building: pick("", "Stata Center"), Address: pick("", "32 Vassar St"), URL: pick("", "https://zoom.us/j/1")},
			RoomDescription: pick("", "The big room"),
			Abstract:        pick("", "One line.", "Para one.\r\nPara two\rPara three.\n\n\n", "x "+string(bytes.Repeat([]byte("word "), 60))),
			Host:            Person{Name: pick("", "Bolei Zhou"), Affiliation: pick("", "MIT CSAIL")},
			Contact:         Person{Name: pick("", "Contact"), Email: pick("", "c@example.org")},
			ResearchAreas:   [][]string{nil, {"AI"}, {"AI", "Vision"}}[r.IntN(3)],
			ImpactAreas:     [][]string{nil, {"Health"}}[r.IntN(2)],
			Reminders:       Reminders{Lists: []string{"list@example.org"}, Subject: pick("", "Talk: {{.Heading}} ({{.Date}})")},
			Status:          Status(pick("", string(StatusScheduled), string(StatusCancelled))),
			CancelReason:    pick("", "Speaker ill"),
			Sequence:        r.IntN(4), Version: int64(r.IntN(9)),
			CreatedBy: "editor", CreatedAt: start.Add(-72 * time.Hour), UpdatedAt: start.Add(-time.Hour),
		}
		if r.IntN(4) == 0 {
			e.Slot = start
		}
		for j := range r.IntN(4) {
			e.Speakers = append(e.Speakers, Person{Name: fmt.Sprintf("Speaker %d", j), Affiliation: pick("", "UCLA"),
				URL: pick("", "https://example.org/s"), PhotoURL: pick("", "https://example.org/p.jpg"), Bio: pick("", "Bio.\r\nMore.")})
		}
		for range r.IntN(4) {
			e.Links = append(e.Links, Link{Label: pick("", "arXiv", "Slides"), URL: "https://arxiv.org/abs/" + pick("1", "2")})
		}
		events = append(events, e)
	}
	return events
}

// reminderViews returns a ReminderView of each event for each kind of
// message.
func reminderViews(t *testing.T, events []*Event) []*ReminderView {
	t.Helper()
	var views []*ReminderView
	for i, e := range events {
		v, err := Style{}.viewIn(e, []string{"", "ML Tea"}[i%2])
		require.NoError(t, err)
		for _, kind := range []DeliveryKind{KindReminder, KindManual, KindUpdate, KindCancel} {
			rv := &ReminderView{View: v, Kind: kind, Note: "the time changed"}
			if i%3 == 0 {
				rv.RecipientTime = "Monday, June 12, 2017, 10:00 PM to 11:00 PM (Central European Summer Time)"
			}
			views = append(views, rv)
		}
	}
	return views
}

func TestReminderData_mirrorsReminderView(t *testing.T) {
	rvType := reflect.TypeFor[ReminderView]()
	dataType := reflect.TypeFor[reminderData]()
	for _, rv := range reminderViews(t, variedEvents(t, 40)) {
		data := reflect.ValueOf(newReminderData(rv))
		view := reflect.ValueOf(rv)
		for _, f := range reflect.VisibleFields(rvType) {
			if !f.IsExported() {
				continue
			}
			if _, ok := rvType.FieldByName(f.Name); !ok {
				continue // ambiguous: no template can reach it
			}
			_, ok := dataType.FieldByName(f.Name)
			require.True(t, ok, "the reminder data must have the field %s of ReminderView", f.Name)
			assert.Equal(t, view.Elem().FieldByName(f.Name).Interface(), data.Elem().FieldByName(f.Name).Interface(),
				"the reminder data of %s must hold the ReminderView's %s", rv.ID, f.Name)
		}
		for i := range view.NumMethod() {
			m := view.Type().Method(i)
			dm := data.MethodByName(m.Name)
			require.True(t, dm.IsValid(), "the reminder data must have the method %s of ReminderView", m.Name)
			want, got := view.Method(i).Call(nil), dm.Call(nil)
			for j := range want {
				assert.Equal(t, want[j].Interface(), got[j].Interface(), "the reminder data of %s must give %s as ReminderView does", rv.ID, m.Name)
			}
		}
	}
	for _, f := range reflect.VisibleFields(dataType) {
		_, ok := rvType.FieldByName(f.Name)
		assert.True(t, ok, "the reminder data must have no field (%s) that ReminderView lacks", f.Name)
	}
	for i := range reflect.PointerTo(dataType).NumMethod() {
		name := reflect.PointerTo(dataType).Method(i).Name
		_, ok := reflect.PointerTo(rvType).MethodByName(name)
		assert.True(t, ok, "the reminder data must have no method (%s) that ReminderView lacks", name)
	}
}

// exampleTextTemplate and exampleHTMLTemplate reach the event through
// every path a template may take: promoted fields, the embedded View and
// Event, methods, nested fields, range and printf.
const (
	exampleTextTemplate = `{{.Kind}} {{.Event.Title}}|{{.View.Heading}}|{{.Heading}} {{if .IsTBA}}tba{{end}}{{if .Cancelled}}off{{end}}
{{printf "%v %v %d %d %v" .Start .End .Sequence .Version .Public}} {{.Location.Room}} {{.Reminders.Lists}}
{{range .Speakers}}{{.Name}} ({{.Affiliation}}) {{end}}{{range .LinkGroups}}{{.Label}}={{join .URLs ","}} {{end}}
{{.Subject}} {{.Created}} {{.ShortTitle}} {{.MonthName}} {{.ZoneName}} {{.Where}} {{.HostLine}} {{.RecipientTime}} {{.Note}}
{{template "details" .}}`
	exampleHTMLTemplate = `<h1>{{.Title}}</h1>{{with .View}}<p>{{.SeriesName}}</p>{{end}}{{range paragraphs .AbstractText}}<p>{{.}}</p>{{end}}
<a href="{{.Location.URL}}">{{.Place}}</a>{{.SpeakerURLs}}{{.SpeakerPhotos}}{{.Status}} {{.CancelReason}} {{.Event.UID}} {{.Clone.ID}}`
)

func TestReminderData_sameOutput(t *testing.T) {
	defaults, err := ParseReminderTemplates("", "")
	require.NoError(t, err)
	examples, err := ParseReminderTemplates(exampleTextTemplate, exampleHTMLTemplate)
	require.NoError(t, err)
	views := reminderViews(t, variedEvents(t, 200))
	for name, tmpl := range map[string]*ReminderTemplates{"default": defaults, "example": examples} {
		for _, rv := range views {
			data := newReminderData(rv)
			var want, got bytes.Buffer
			require.NoError(t, tmpl.Text.Execute(&want, rv))
			require.NoError(t, tmpl.Text.Execute(&got, data))
			require.Equal(t, want.String(), got.String(), "the %s text of %s (%s) must be the same from the reminder data", name, rv.ID, rv.Kind)
			want.Reset()
			got.Reset()
			require.NoError(t, tmpl.HTML.Execute(&want, rv))
			require.NoError(t, tmpl.HTML.Execute(&got, data))
			require.Equal(t, want.String(), got.String(), "the %s HTML of %s (%s) must be the same from the reminder data", name, rv.ID, rv.Kind)
		}
	}
}
