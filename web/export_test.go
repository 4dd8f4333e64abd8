package web

// PatchedMonths is how many month listings h patched with the events
// written since, rather than read in full.
func PatchedMonths(h *Handler) uint64 { return h.patched.Load() }
