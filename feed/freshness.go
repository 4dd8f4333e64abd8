package feed

import (
	"context"
	"log/slog"
)

// changes is what a request knows of the calendar's writes: the Calendar's
// change token, read once per request before the cache is consulted, so that
// a body built for the request records the token it was built at.
type changes struct {
	token string
	// unknown is set when the token could not be read: cached bodies are
	// then served until MaxAge, rather than failing every poll while the
	// store is briefly unreachable.
	unknown bool
}

// changes reads the Calendar's change token. With a Store that implements
// seminar.ChangeTracker it follows the writes of every process sharing the
// Store; otherwise it counts the writes made through this Calendar only,
// and MaxAge bounds how long other processes' writes wait.
func (h *Handler) changes(ctx context.Context) changes {
	token, err := h.cal.ChangeToken(ctx)
	if err != nil {
		h.log.LogAttrs(ctx, slog.LevelWarn, "change token not read; serving cached feeds until MaxAge", slog.Any("error", err))
		return changes{unknown: true}
	}
	return changes{token: token}
}

// fresh reports whether a cached body may be served as it is: no write was
// made since it was built, as far as c tells, and it is younger than MaxAge.
func (h *Handler) fresh(b *feedBody, c changes) bool {
	return (c.unknown || b.token == c.token) && h.now().Sub(b.built) < h.maxAge
}
