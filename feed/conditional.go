package feed

import (
	"net/http"
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
	// The values are shared by every response of the body (see
	// headerValue), and the keys are canonical already.
	hd := w.Header()
	hd["Vary"] = varyValue
	if private {
		// The token in the URL is the only key: shared caches must not
		// keep what it opened.
		hd["Cache-Control"] = h.privateCacheControl
	} else {
		hd["Cache-Control"] = h.publicCacheControl
	}
	form, tag := &body.plainHeader, body.etag
	gzipped := httpcond.AcceptsGzip(r.Header["Accept-Encoding"])
	if gzipped {
		form, tag = &body.gzipHeader, body.gzipETag
	}
	hd["Etag"] = form.etag
	hd["Last-Modified"] = body.modifiedValue
	if notModified(r, tag, body.modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd["Content-Type"] = contentTypeValue
	hd["Content-Disposition"] = body.dispositionValue
	hd["X-Content-Type-Options"] = nosniffValue
	hd["Content-Length"] = form.length
	if gzipped {
		hd["Content-Encoding"] = gzipValue
	}
	if body.truncated {
		hd["Feed-Truncated"] = h.truncatedValue
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(form.content) // a client that went away needs no answer
	}
}

// Header values every response shares; see headerValue.
var (
	varyValue        = headerValue("Accept-Encoding")
	contentTypeValue = headerValue("text/calendar; charset=utf-8")
	nosniffValue     = headerValue("nosniff")
	gzipValue        = headerValue("gzip")
)

// notModified evaluates the validators of a GET or HEAD: If-None-Match when
// present, and If-Modified-Since only when it is not (RFC 9110 13.2.2).
func notModified(r *http.Request, tag string, modified time.Time) bool {
	if inm := r.Header["If-None-Match"]; len(inm) > 0 {
		return httpcond.NoneMatch(inm, tag)
	}
	ims := r.Header["If-Modified-Since"]
	if len(ims) == 0 || ims[0] == "" {
		return false
	}
	since, err := http.ParseTime(ims[0])
	if err != nil {
		return false // an invalid date is ignored (RFC 9110 13.1.3)
	}
	return !modified.Truncate(time.Second).After(since)
}
