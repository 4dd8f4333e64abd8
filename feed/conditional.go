package feed

import (
	"net/http"
	"strconv"
	"time"

	"github.com/seminarkit/seminar/internal/httpcond"
)

// write answers r with body, or with 304 when r's validators match it. It
// implements If-None-Match and If-Modified-Since (RFC 9110 13.1.2, 13.1.3)
// itself rather than through http.ServeContent, which leaves Content-Length
// out of every gzipped response (a large one then goes chunked) and would
// serve Range requests that no calendar client makes. The other
// preconditions, and Range, are ignored, as RFC 9110 allows.
func (h *Handler) write(w http.ResponseWriter, r *http.Request, body *feedBody, private bool) {
	hd := w.Header()
	hd.Set("Vary", "Accept-Encoding")
	if private {
		// The token in the URL is the only key: shared caches must not
		// keep what it opened.
		hd.Set("Cache-Control", h.privateCacheControl)
	} else {
		hd.Set("Cache-Control", h.publicCacheControl)
	}
	content, tag := body.plain, body.etag
	gzipped := httpcond.AcceptsGzip(r.Header.Values("Accept-Encoding"))
	if gzipped {
		content, tag = body.gzipped, body.gzipETag
	}
	hd.Set("Etag", tag)
	hd.Set("Last-Modified", body.modified.UTC().Format(http.TimeFormat))
	if notModified(r, tag, body.modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Type", "text/calendar; charset=utf-8")
	hd.Set("Content-Disposition", body.disposition)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Length", strconv.Itoa(len(content)))
	if gzipped {
		hd.Set("Content-Encoding", "gzip")
	}
	if body.truncated {
		hd.Set("Feed-Truncated", strconv.Itoa(h.maxEvents))
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(content) // a client that went away needs no answer
	}
}

// notModified evaluates the validators of a GET or HEAD: If-None-Match when
// present, and If-Modified-Since only when it is not (RFC 9110 13.2.2).
func notModified(r *http.Request, tag string, modified time.Time) bool {
	if inm := r.Header.Values("If-None-Match"); len(inm) > 0 {
		return httpcond.NoneMatch(inm, tag)
	}
	ims := r.Header.Get("If-Modified-Since")
	if ims == "" {
		return false
	}
	since, err := http.ParseTime(ims)
	if err != nil {
		return false // an invalid date is ignored (RFC 9110 13.1.3)
	}
	return !modified.Truncate(time.Second).After(since)
}
