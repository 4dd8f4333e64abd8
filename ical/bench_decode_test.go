package ical_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	emersion "github.com/emersion/go-ical"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// decodeBenchEvents is how many events the benchmark file holds: a few thousand,
// as a department's feed of several years does.
const decodeBenchEvents = 3000

// decodeBenchCalendar returns an .ics file of decodeBenchEvents seed-like
// events; see encodeBenchCalendar.
func decodeBenchCalendar(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	encodeBenchCalendar(b, &buf, decodeBenchEvents)
	return buf.Bytes()
}

// encodeBenchCalendar writes an .ics file of n seed-like events (the seed
// talk's texts, several speakers and links, varied titles and times) in
// three zones, as our Encoder writes them: TZIDs with VTIMEZONEs.
func encodeBenchCalendar(tb testing.TB, w io.Writer, n int) {
	tb.Helper()
	zones := []string{"America/New_York", "Europe/Berlin", "Asia/Tokyo"}
	enc := ical.NewEncoder(w, &ical.EncodeOptions{Now: func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }})
	for i := range n {
		zone := zones[i%len(zones)]
		start, err := seminar.WallTime(2017+i%8, time.Month(1+i%12), 1+i%28, 9+i%8, 0, zone)
		if err != nil {
			tb.Fatal(err)
		}
		e := &seminar.Event{
			UID:      fmt.Sprintf("bench-%d@csail.mit.edu", i),
			Title:    fmt.Sprintf("A picture of the energy landscape of deep neural networks, part %d", i),
			Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA", Bio: decodeBenchBio}},
			Host:     seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL"},
			Contact:  seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"},
			Start:    start, End: start.Add(time.Hour), TimeZone: zone, Public: true,
			Location: seminar.Location{Room: "32-D507"},
			Abstract: decodeBenchAbstract,
			Links: []seminar.Link{
				{Label: "arXiv", URL: "https://arxiv.org/abs/1611.01838"},
				{Label: "arXiv", URL: "https://arxiv.org/abs/1704.04932"},
			},
			ResearchAreas: []string{"Machine Learning"},
			Status:        seminar.StatusScheduled,
			CreatedAt:     time.Date(2017, 6, 9, 14, 10, 0, 0, time.UTC),
			UpdatedAt:     time.Date(2017, 6, 9, 14, 10, 0, 0, time.UTC),
		}
		if err := enc.Encode(e); err != nil {
			tb.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		tb.Fatal(err)
	}
}

const decodeBenchAbstract = "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning. It does not, however, exploit the special structure and geometry of the loss functions we wish to optimize, viz. those of deep neural networks. In this talk, we will focus on the geometry of the energy landscape at local minima with an aim of understanding the generalization properties of deep networks.\n" +
	"In practice, optima discovered by SGD have a large proportion of almost-zero eigenvalues in the Hessian with very few positive or negative eigenvalues. We will first leverage upon this observation to construct an algorithm named Entropy-SGD that maximizes a local version of the free energy."

const decodeBenchBio = "Pratik Chaudhari is a PhD candidate in Computer Science at UCLA. With his advisor Stefano Soatto, he focuses on optimization algorithms for deep networks."

// BenchmarkDecode compares Decode, which also resolves zones, builds
// occurrences fitted to seminar's limits and validates each event, with
// the bare parsers of golang-ical (ParseCalendar) and emersion/go-ical
// (Decoder.Decode to the end of the input) of the same file, in the same
// run:
//
//	go test -run '^$' -bench 'BenchmarkDecode$' -benchmem -count=6 ./ical | tee decode.txt
//	benchstat -col /parser decode.txt
//
// Read the ratio of parser=Decode to parser=emersion-go-ical and
// parser=golang-ical in ns/event (time)
// and B/op (bytes allocated); the file is 3,000 events of about 2.8 KB.
func BenchmarkDecode(b *testing.B) {
	data := decodeBenchCalendar(b)
	perEvent := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*decodeBenchEvents), "ns/event")
	}
	b.Run("parser=golang-ical", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			cal, err := ics.ParseCalendar(bytes.NewReader(data))
			if err != nil || len(cal.Events()) != decodeBenchEvents {
				b.Fatal(err)
			}
		}
		perEvent(b)
	})
	b.Run("parser=emersion-go-ical", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			dec := emersion.NewDecoder(bytes.NewReader(data))
			events := 0
			for {
				cal, err := dec.Decode()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				events += len(cal.Events())
			}
			if events != decodeBenchEvents {
				b.Fatalf("%d events, want %d", events, decodeBenchEvents)
			}
		}
		perEvent(b)
	})
	b.Run("parser=Decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			res, err := ical.Decode(bytes.NewReader(data), nil)
			if err != nil || len(res.Occurrences) != decodeBenchEvents {
				b.Fatal(err)
			}
		}
		perEvent(b)
	})
}
