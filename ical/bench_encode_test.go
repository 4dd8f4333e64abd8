package ical_test

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// benchZones are the zones the benchmark events are announced in.
var benchZones = []string{"America/New_York", "Europe/Berlin", "Asia/Tokyo", "UTC"}

// benchEvent returns the i-th event of a feed: the seed talk with its own
// UID, title, time and zone, about 2.5 KB once encoded.
func benchEvent(i int) *seminar.Event {
	e := seedEvent()
	e.ID = "ev" + strconv.Itoa(i)
	e.UID = e.ID + "@csail.mit.edu"
	e.Title = "Talk " + strconv.Itoa(i) + ": " + e.Title
	e.Start = seedStart.Add(time.Duration(i) * 3 * time.Hour)
	e.End = e.Start.Add(time.Hour)
	e.TimeZone = benchZones[i%len(benchZones)]
	e.ResearchAreas = []string{"Machine Learning", "Optimization"}
	e.Sequence = i % 3
	return e
}

func benchEvents(n int) []*seminar.Event {
	events := make([]*seminar.Event, n)
	for i := range events {
		events[i] = benchEvent(i)
	}
	return events
}

// BenchmarkEncode compares our Encoder with building and serializing the
// same events with golang-ical, each op being a 10,000-event feed. The
// allocs/event metric is allocs/op divided by the number of events.
//
//	go test ./ical -run '^$' -bench BenchmarkEncode -benchmem -count=6 | tee /tmp/encode.txt
//	benchstat -col /impl /tmp/encode.txt
func BenchmarkEncode(b *testing.B) {
	const n = 10000
	events := benchEvents(n)
	now := fixedNow
	b.Run("impl=seminar", func(b *testing.B) {
		b.ReportAllocs()
		var bytes countingWriter
		start := mallocs()
		for b.Loop() {
			enc := ical.NewEncoder(&bytes, &ical.EncodeOptions{Now: now, Name: "CSAIL Seminars", RefreshInterval: time.Hour})
			for _, e := range events {
				if err := enc.Encode(e); err != nil {
					b.Fatal(err)
				}
			}
			if err := enc.Close(); err != nil {
				b.Fatal(err)
			}
		}
		report(b, n, start, bytes.n)
	})
	b.Run("impl=golang-ical", func(b *testing.B) {
		b.ReportAllocs()
		var bytes countingWriter
		start := mallocs()
		for b.Loop() {
			cal := ics.NewCalendarFor("seminarkit")
			cal.SetMethod(ics.MethodPublish)
			cal.SetName("CSAIL Seminars")
			cal.SetXWRCalName("CSAIL Seminars")
			cal.SetRefreshInterval("PT1H")
			cal.SetXPublishedTTL("PT1H")
			for _, e := range events {
				addGolangICalEvent(cal, e, now())
			}
			if err := cal.SerializeTo(&bytes, ics.WithNewLineWindows); err != nil {
				b.Fatal(err)
			}
		}
		report(b, n, start, bytes.n)
	})
}

func mallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

func report(b *testing.B, n int, startMallocs uint64, written int) {
	ops := float64(b.N)
	b.ReportMetric(float64(mallocs()-startMallocs)/ops/float64(n), "allocs/event")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/ops/float64(n), "ns/event")
	b.ReportMetric(float64(written)/ops/float64(n), "B/event")
}

// addGolangICalEvent sets, with golang-ical's API, the properties our
// encoder writes: the baseline does the same work (minus VTIMEZONEs,
// which golang-ical cannot generate).
func addGolangICalEvent(cal *ics.Calendar, e *seminar.Event, now time.Time) {
	ev := cal.AddEvent(e.UID)
	ev.SetDtStampTime(now)
	if loc, err := time.LoadLocation(e.TimeZone); err == nil && e.TimeZone != "UTC" {
		ev.SetProperty(ics.ComponentPropertyDtStart, e.Start.In(loc).Format("20060102T150405"), ics.WithTZID(e.TimeZone))
		ev.SetProperty(ics.ComponentPropertyDtEnd, e.End.In(loc).Format("20060102T150405"), ics.WithTZID(e.TimeZone))
	} else {
		ev.SetStartAt(e.Start)
		ev.SetEndAt(e.End)
	}
	ev.SetCreatedTime(e.CreatedAt)
	ev.SetModifiedAt(e.UpdatedAt)
	ev.SetSequence(e.Sequence)
	ev.SetStatus(ics.ObjectStatusConfirmed)
	ev.SetSummary(e.Title)
	ev.SetDescription(plainDescription(e))
	ev.SetLocation(e.Location.Room)
	for _, a := range e.ResearchAreas {
		ev.AddProperty(ics.ComponentPropertyCategories, a, &ics.KeyValues{Key: "X-SEMINAR-KIND", Value: []string{"RESEARCH"}})
	}
	ev.SetClass(ics.ClassificationPublic)
	ev.SetOrganizer("mailto:"+e.Contact.Email, ics.WithCN(e.Contact.Name))
	for _, s := range e.Speakers {
		ev.AddProperty("X-SEMINAR-SPEAKER", strings.Join([]string{s.Name, s.Affiliation, s.Email, s.URL, s.PhotoURL, s.Bio}, "\n"))
	}
	ev.AddProperty("X-SEMINAR-HOST", e.Host.Name+"\n"+e.Host.Affiliation)
	ev.AddProperty("X-SEMINAR-CONTACT", e.Contact.Name+"\n\n"+e.Contact.Email)
	ev.AddProperty("X-SEMINAR-ROOM", e.Location.Room)
	ev.AddProperty("X-SEMINAR-ABSTRACT", e.Abstract)
	for _, l := range e.Links {
		ev.AddProperty("X-SEMINAR-LINK", l.URL+"\n"+l.Label)
	}
}

// plainDescription is the DESCRIPTION text built the ordinary way.
func plainDescription(e *seminar.Event) string {
	var b strings.Builder
	for _, s := range e.Speakers {
		fmt.Fprintf(&b, "Speaker: %s (%s)\n", s.Name, s.Affiliation)
	}
	fmt.Fprintf(&b, "\nLocation: %s\n\nAbstract:\n%s\n\n", e.Location.Room, strings.TrimSpace(e.Abstract))
	for _, s := range e.Speakers {
		fmt.Fprintf(&b, "About the speaker:\n%s\n\n", s.Bio)
	}
	for _, l := range e.Links {
		fmt.Fprintf(&b, "%s: %s\n", l.Label, l.URL)
	}
	fmt.Fprintf(&b, "\nHost: %s (%s)\nContact: %s, %s\nResearch areas: %s",
		e.Host.Name, e.Host.Affiliation, e.Contact.Name, e.Contact.Email, strings.Join(e.ResearchAreas, ", "))
	return b.String()
}

// BenchmarkEncodeEvent is one talk as a reminder attaches it. Without a
// shared ZoneCache each call reads the zone's changes from Go's zone data;
// with one, a process reads them once, and each call cuts its VTIMEZONE.
//
//	go test ./ical -run '^$' -bench BenchmarkEncodeEvent -benchmem -count=6 | tee /tmp/event.txt
//	benchstat -col /zones /tmp/event.txt
func BenchmarkEncodeEvent(b *testing.B) {
	e := seedEvent()
	e.TimeZone = "Europe/London" // the zone with the most history
	for _, shared := range []bool{false, true} {
		name := "zones=own"
		var opts ical.EncodeOptions
		if shared {
			name, opts.Zones = "zones=shared", &ical.ZoneCache{}
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var w countingWriter
			for b.Loop() {
				if err := ical.EncodeEvent(&w, e, &opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
