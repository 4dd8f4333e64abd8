package sqlite_test

import (
	"context"
	"testing"
	"time"
)

// The write benchmarks measure a Create of one event and an Update, the
// calls an editor's form makes, on a file holding writeEvents events.
const writeEvents = 1000

func BenchmarkCreate(b *testing.B) {
	s, _ := openFile(b)
	ctx := context.Background()
	if err := s.Create(ctx, sampleEvents(0, writeEvents, time.Hour)...); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := writeEvents; b.Loop(); i++ {
		if err := s.Create(ctx, sampleEvent(i, time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdate updates events in turn: "edit" changes what no index
// holds, as most edits do; "reschedule" moves the start, which the start
// and series indexes hold.
func BenchmarkUpdate(b *testing.B) {
	for name, shift := range map[string]time.Duration{"edit": 0, "reschedule": time.Minute} {
		b.Run(name, func(b *testing.B) {
			s, _ := openFile(b)
			ctx := context.Background()
			events := sampleEvents(0, writeEvents, time.Hour)
			if err := s.Create(ctx, events...); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				e := events[i%len(events)]
				e.Version++
				e.UpdatedAt = e.UpdatedAt.Add(time.Microsecond)
				e.Start, e.End = e.Start.Add(shift), e.End.Add(shift)
				if err := s.Update(ctx, e, e.Version-1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
