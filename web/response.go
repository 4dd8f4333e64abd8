package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
)

// response is a rendered page, .ics or JSON body, ready to serve as it is
// to every request of its key: the plain and gzipped bytes with their
// strong ETags.
type response struct {
	status       int
	contentType  string
	disposition  string
	body, gz     []byte // gz is nil for bodies too small to be worth it
	etag, gzETag string
	// private marks a response made for an authorized request: it may
	// show what anonymous requests must not see, so no shared cache keeps
	// it, and the browser keeps it neither.
	private bool
}

// gzipMin is the smallest body that is sent gzipped.
const gzipMin = 1024

// Cache-Control of anonymous and authorized responses. Anonymous ones are
// revalidated on each use (the ETag makes that a 304), so that an edit shows
// at once; Vary keeps a shared cache from serving one to a request that
// carries credentials, which may be authorized to see more.
const (
	publicCacheControl  = "public, no-cache"
	privateCacheControl = "private, no-store"
	publicVary          = "Accept-Encoding, Cookie, Authorization"
)

// newResponse makes a response of body, whose ETags name the authorization
// class too, so that an authorized and an anonymous rendering never share
// one, even where their bytes agree.
func newResponse(status int, contentType string, body []byte, class string) *response {
	r := &response{status: status, contentType: contentType, body: body, private: class != ""}
	sum := sha256.Sum256(body)
	tag := base64.RawURLEncoding.EncodeToString(sum[:18])
	if class != "" {
		tag = "a-" + tag
	}
	r.etag = `"` + tag + `"`
	if len(body) >= gzipMin {
		r.gz = gzipBytes(body)
		r.gzETag = `"` + tag + `-gz"`
	}
	return r
}

// size is the memory r holds.
func (r *response) size() int64 { return int64(cap(r.body) + cap(r.gz) + 256) }

// write answers req with r, or with 304 when If-None-Match lists its ETag.
// HEAD gets the headers only.
func (r *response) write(w http.ResponseWriter, req *http.Request) {
	hd := w.Header()
	if r.private {
		hd.Set("Cache-Control", privateCacheControl)
		hd.Set("Vary", "Accept-Encoding")
	} else {
		hd.Set("Cache-Control", publicCacheControl)
		hd.Set("Vary", publicVary)
	}
	body, tag := r.body, r.etag
	gzipped := r.gz != nil && acceptsGzip(req.Header.Values("Accept-Encoding"))
	if gzipped {
		body, tag = r.gz, r.gzETag
	}
	hd.Set("Etag", tag)
	if r.status == http.StatusOK && noneMatch(req.Header.Values("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Type", r.contentType)
	if r.disposition != "" {
		hd.Set("Content-Disposition", r.disposition)
	}
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	if gzipped {
		hd.Set("Content-Encoding", "gzip")
	}
	w.WriteHeader(r.status)
	if req.Method != http.MethodHead {
		_, _ = w.Write(body) // a client that went away needs no answer
	}
}

func gzipBytes(plain []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(plain) / 3)
	// BestSpeed: a page is compressed once per change of the calendar,
	// but that once is on some visitor's request.
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed) // the level is valid
	_, _ = zw.Write(plain)                             // a bytes.Buffer does not fail
	_ = zw.Close()
	return buf.Bytes()
}

// noneMatch reports whether If-None-Match header lines list tag, or "*",
// comparing weakly as RFC 9110 13.1.2 says: W/"x" matches "x". Parsing
// stops at the first malformed element of a line.
func noneMatch(lines []string, tag string) bool {
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

// acceptsGzip reports whether Accept-Encoding allows gzip (RFC 9110
// 12.5.3): gzip or x-gzip with a q above zero, or else * with one.
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

// qvalue returns the weight in the parameters of an Accept-Encoding
// element: 1 when there is none, 0 when it does not parse.
func qvalue(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || !(q >= 0 && q <= 1) {
			return 0
		}
		return q
	}
	return 1
}
