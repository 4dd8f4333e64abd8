package feed

import (
	"net/http"
	"strconv"
	"strings"
	"time"
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
	gzipped := acceptsGzip(r.Header.Values("Accept-Encoding"))
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
		return noneMatchLists(inm, tag)
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

// noneMatchLists reports whether If-None-Match header lines list tag, or
// "*". The comparison is weak, as RFC 9110 13.1.2 says: W/"x" matches "x".
// Parsing stops at the first malformed element of a line, and what it has
// not matched by then does not match.
func noneMatchLists(lines []string, tag string) bool {
	for _, s := range lines {
		for {
			s = strings.TrimLeft(s, " \t,")
			if s == "" {
				break
			}
			if s[0] == '*' {
				return true
			}
			s = strings.TrimPrefix(s, "W/")
			if len(s) < 2 || s[0] != '"' {
				break
			}
			end := strings.IndexByte(s[1:], '"') + 2
			if end < 2 {
				break
			}
			if s[:end] == tag {
				return true
			}
			s = s[end:]
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (RFC
// 9110 12.5.3): gzip or x-gzip with a q above zero, or else * with one. A q
// that does not parse counts as zero: the plain body is always acceptable.
func acceptsGzip(headers []string) bool {
	gzipQ, anyQ := -1.0, -1.0
	for _, header := range headers {
		for elem := range strings.SplitSeq(header, ",") {
			coding, params, _ := strings.Cut(elem, ";")
			q := qvalue(params)
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip":
				gzipQ = max(gzipQ, q)
			case "*":
				anyQ = max(anyQ, q)
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return anyQ > 0
}

// qvalue returns the weight in the parameters of an Accept-Encoding element:
// 1 when there is none, 0 when it does not parse.
func qvalue(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || !(q >= 0 && q <= 1) { // NaN too
			return 0
		}
		return q
	}
	return 1
}
