package web

import (
	"bytes"
	"compress/gzip"
	"hash/crc32"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/seminarkit/seminar/internal/httpcond"
)

// response is a rendered page, .ics or JSON body, ready to serve as it is
// to every request of its key, with its strong ETag, and its gzipped form
// once that is made.
type response struct {
	status      int
	contentType string
	disposition string
	body        []byte
	etag        string
	// private marks a response made for an authorized request: it may
	// show what anonymous requests must not see, so no shared cache keeps
	// it, and the browser keeps it neither.
	private bool
	// gz is the gzipped body, nil until it is made. Compressing a page
	// costs more than rendering it, so it is done beside the first
	// request, which gets the plain body, rather than before it.
	gz atomic.Pointer[gzipped]

	// The header values, made once: a cached response is served again and
	// again, and setting a header through Header.Set costs more than the
	// rest of a 304.
	hdr struct {
		cacheControl, vary, contentType, disposition, etag, length []string
	}
}

// gzipped is the gzipped form of a response, with its own ETag.
type gzipped struct {
	body              []byte
	etag              string
	etagH, lenH, encH []string
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
// one, even where their bytes agree. A body worth compressing is
// compressed in the background.
func (h *Handler) newResponse(status int, contentType string, body []byte, class string) *response {
	r := &response{status: status, contentType: contentType, body: body, private: class != ""}
	tag := etagOf(body)
	if class != "" {
		tag = "a-" + tag
	}
	r.etag = `"` + tag + `"`
	r.headers()
	if len(body) >= gzipMin {
		go func() {
			gz := h.gzip.gzip(body)
			etag := `"` + tag + `-gz"`
			r.gz.Store(&gzipped{body: gz, etag: etag,
				etagH: []string{etag}, lenH: []string{strconv.Itoa(len(gz))}, encH: []string{"gzip"}})
		}()
	}
	return r
}

// castagnoli is the table of CRC-32C, which the processor computes.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// etagOf returns the opaque part of body's entity-tag: its length and two
// CRC-32s of it (IEEE and Castagnoli), in hex. An ETag needs no defence
// against someone crafting a collision, only that a page's next version
// tells itself apart from the last, which two independent checksums and
// the length do; both run at memory speed, where a cryptographic hash of
// a page cost a tenth of rendering it.
func etagOf(body []byte) string {
	b := make([]byte, 0, 32)
	b = strconv.AppendUint(b, uint64(len(body)), 16)
	b = append(b, '-')
	b = appendHex32(b, crc32.ChecksumIEEE(body))
	b = appendHex32(b, crc32.Checksum(body, castagnoli))
	return string(b)
}

// appendHex32 appends v as 8 hex digits.
func appendHex32(b []byte, v uint32) []byte {
	const digits = "0123456789abcdef"
	for shift := 28; shift >= 0; shift -= 4 {
		b = append(b, digits[v>>uint(shift)&0xf])
	}
	return b
}

// headers makes the header values of r, once its fields are set.
func (r *response) headers() {
	one := func(s string) []string {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	h := &r.hdr
	if r.private {
		h.cacheControl, h.vary = one(privateCacheControl), one("Accept-Encoding")
	} else {
		h.cacheControl, h.vary = one(publicCacheControl), one(publicVary)
	}
	h.contentType, h.disposition = one(r.contentType), one(r.disposition)
	h.etag, h.length = one(r.etag), one(strconv.Itoa(len(r.body)))
}

// size is the memory r holds, its gzipped form counted in advance.
func (r *response) size() int64 {
	n := cap(r.body) + 512
	if len(r.body) >= gzipMin {
		n += len(r.body) / 3
	}
	return int64(n)
}

// write answers req with r, or with 304 when If-None-Match lists an ETag
// of r: the gzipped form's or the plain one's, whichever the client holds.
// HEAD gets the headers only. The header values are assigned to the map
// directly, in canonical form; each slice has no spare capacity, so a
// later Add copies it.
func (r *response) write(w http.ResponseWriter, req *http.Request) {
	hd := w.Header()
	hd["Cache-Control"], hd["Vary"] = r.hdr.cacheControl, r.hdr.vary
	gz := r.gz.Load()
	if gz != nil && !httpcond.AcceptsGzip(req.Header["Accept-Encoding"]) {
		gz = nil
	}
	if inm := req.Header["If-None-Match"]; len(inm) > 0 && r.status == http.StatusOK {
		switch {
		case gz != nil && httpcond.NoneMatch(inm, gz.etag):
			hd["Etag"] = gz.etagH
			w.WriteHeader(http.StatusNotModified)
			return
		case httpcond.NoneMatch(inm, r.etag):
			hd["Etag"] = r.hdr.etag
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	body := r.body
	hd["Etag"], hd["Content-Length"] = r.hdr.etag, r.hdr.length
	if gz != nil {
		body = gz.body
		hd["Etag"], hd["Content-Length"], hd["Content-Encoding"] = gz.etagH, gz.lenH, gz.encH
	}
	hd["Content-Type"] = r.hdr.contentType
	if r.disposition != "" {
		hd["Content-Disposition"] = r.hdr.disposition
	}
	w.WriteHeader(r.status)
	if req.Method != http.MethodHead {
		_, _ = w.Write(body) // a client that went away needs no answer
	}
}

// gzipper compresses bodies, reusing its compressors: one holds hundreds
// of kilobytes of state, more than most pages it compresses.
type gzipper struct{ pool sync.Pool }

func (g *gzipper) gzip(plain []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(plain)/3 + 64)
	zw, _ := g.pool.Get().(*gzip.Writer)
	if zw == nil {
		// BestSpeed: it is ten times the speed of the default level
		// for a page a fifth larger, and a page may be compressed again
		// after each change of the calendar.
		zw, _ = gzip.NewWriterLevel(&buf, gzip.BestSpeed) // the level is valid
	} else {
		zw.Reset(&buf)
	}
	_, _ = zw.Write(plain) // a bytes.Buffer does not fail
	_ = zw.Close()
	g.pool.Put(zw)
	return buf.Bytes()
}
