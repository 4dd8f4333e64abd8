package postgres_test

import (
	"testing"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/storetest"
)

// TestStore_Conformance runs the conformance suite, outbox included, each
// case in a schema of its own, on sessions whose TimeZone is
// Pacific/Chatham (UTC+12:45 or +13:45): a store that let the session's
// zone into its times would fail the round trips and the listings.
func TestStore_Conformance(t *testing.T) {
	pool := newPool(t, withRuntimeParam("timezone", "Pacific/Chatham"))
	storetest.Run(t, func(t *testing.T) seminar.Store { return newStore(t, pool) })
}

// BenchmarkStore runs the store benchmark suite, each sub-benchmark in a
// schema of its own.
func BenchmarkStore(b *testing.B) {
	pool := newPool(b)
	storetest.RunBenchmarks(b, func(b *testing.B) seminar.Store { return newStore(b, pool) })
}
