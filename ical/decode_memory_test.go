package ical_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// decodeMemoryEvents is how many events the memory benchmark decodes.
const decodeMemoryEvents = 100000

// writeDecodeMemoryFile writes an .ics file of n events like those of
// BenchmarkDecode to a temporary file and returns its path and size.
func writeDecodeMemoryFile(tb testing.TB, n int) (string, int64) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "feed.ics")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
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
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	fi, err := f.Stat()
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path, fi.Size()
}

// decodeMemory decodes the file at path and returns the most heap that was
// live at once while Decode ran and the heap the result holds once Decode
// has returned, both less the heap live before the call. The caller holds
// only the open file, not its bytes: what Decode reads of it counts.
//
// The peak is the largest live heap that a garbage collection found
// (runtime/metrics /gc/heap/live:bytes), sampled every millisecond, with
// collections made frequent (GOGC 10) so that no peak is missed by more
// than a tenth.
func decodeMemory(tb testing.TB, path string) (res *ical.Result, peak, retained uint64) {
	tb.Helper()
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	live := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	base := live()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				peak = max(peak, live())
			}
		}
	}()
	res, err = ical.Decode(f, &ical.DecodeOptions{MaxBytes: 1 << 30})
	close(done)
	wg.Wait()
	if err != nil {
		tb.Fatal(err)
	}
	runtime.GC()
	after := live()
	peak = max(peak, after)
	runtime.KeepAlive(res)
	return res, peak - base, after - base
}

// BenchmarkDecode_memory decodes a file of 100,000 events (about 280 MB)
// and reports, as multiples of the file's size, the most heap Decode held
// at once (peak/input: the input it read, its working set and the result
// so far) and what the result holds once Decode has returned
// (retained/input):
//
//	go test -run '^$' -bench 'BenchmarkDecode_memory$' -benchtime 1x ./ical
func BenchmarkDecode_memory(b *testing.B) {
	path, size := writeDecodeMemoryFile(b, decodeMemoryEvents)
	for b.Loop() {
		res, peak, retained := decodeMemory(b, path)
		if len(res.Occurrences) != decodeMemoryEvents {
			b.Fatalf("%d occurrences, want %d", len(res.Occurrences), decodeMemoryEvents)
		}
		b.ReportMetric(float64(peak)/float64(size), "peak/input")
		b.ReportMetric(float64(retained)/float64(size), "retained/input")
		b.ReportMetric(float64(size)/(1<<20), "input-MB")
	}
}
