package ical_test

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

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
	encodeBenchCalendar(tb, w, n)
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

// TestDecode_memory bounds what decoding 20,000 events holds, measured as
// BenchmarkDecode_memory measures it: at most twice the input at once
// (the blocks of input not yet read into events, the lines read from
// them, and the result so far), and the result at most 1.15 times the
// input once Decode has returned: it holds no part of the input, which
// would keep blocks of it, and holds an event's abstract and bios once,
// though the file repeats them in DESCRIPTION.
func TestDecode_memory(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 20,000 events")
	}
	const n = 20000
	path, size := writeDecodeMemoryFile(t, n)
	res, peak, retained := decodeMemory(t, path)
	if len(res.Occurrences) != n {
		t.Fatalf("%d occurrences, want %d", len(res.Occurrences), n)
	}
	t.Logf("input %.1f MB; peak %.2f times the input, retained %.2f", float64(size)/(1<<20),
		float64(peak)/float64(size), float64(retained)/float64(size))
	if peak > uint64(size)*2 {
		t.Errorf("peak heap %d bytes, more than twice the input's %d", peak, size)
	}
	if retained > uint64(size)*115/100 {
		t.Errorf("the result holds %d bytes, more than 1.15 times the input's %d", retained, size)
	}
}
