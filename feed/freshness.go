package feed

// fresh reports whether a cached body may be served as it is: no write went
// through the Calendar since it was built, and it is younger than MaxAge.
func (h *Handler) fresh(b *feedBody) bool {
	return b.writes == h.writes() && h.now().Sub(b.built) < h.maxAge
}

// writes returns the number of writes made through the Calendar so far. It
// is the handler's one way of learning of writes: a body records it before
// its build lists anything, and is stale once it has moved.
func (h *Handler) writes() uint64 { return h.cal.Changes() }
