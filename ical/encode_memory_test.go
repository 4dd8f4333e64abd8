package ical_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/ical"
)

// A 100,000-event feed streams through the encoder: the heap grows by the 4
// MiB the encoder holds back before it streams and the garbage of the
// events made on the fly, not by the feed, which held in memory would take
// about 470 MB.
func TestEncoder_Encode_memory(t *testing.T) {
	if testing.Short() {
		t.Skip("encodes 100,000 events")
	}
	const n, limit = 100000, 32 << 20
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	base, peak, allocStart := m.HeapInuse, m.HeapInuse, m.TotalAlloc

	w := &countingWriter{}
	enc := ical.NewEncoder(w, &ical.EncodeOptions{Now: time.Now})
	for i := range n {
		require.NoError(t, enc.Encode(benchEvent(i)))
		if i%500 == 0 {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
		}
	}
	require.NoError(t, enc.Close())
	runtime.ReadMemStats(&m)
	peak = max(peak, m.HeapInuse)

	growth := peak - base
	t.Logf("%d events, %d MB written; peak HeapInuse growth %.1f MB; %.0f bytes allocated per event (the events themselves included)",
		n, w.n>>20, float64(growth)/(1<<20), float64(m.TotalAlloc-allocStart)/n)
	assert.Less(t, growth, uint64(limit), "peak heap growth while streaming")
}
