// Command barehttp serves the bytes of a file and of its gzipped copy at
// every path with net/http and nothing else: a strong ETag, Content-Length
// and Content-Type, the gzipped copy to a request whose Accept-Encoding
// holds "gzip". bench.sh runs it beside feedserver and nginx, as the rate
// net/http itself reaches with the same bytes, so that the distance from
// feedserver to nginx splits into the feed handler's part and net/http's.
//
//	go run ./examples/feedserver/barehttp -addr 127.0.0.1:18082 -file calendar.ics
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18082", "address to listen on")
	file := flag.String("file", "calendar.ics", "file to serve; FILE.gz is its gzipped copy")
	flag.Parse()
	plain, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	gzipped, err := os.ReadFile(*file + ".gz")
	if err != nil {
		log.Fatal(err)
	}
	plainLength, gzipLength := strconv.Itoa(len(plain)), strconv.Itoa(len(gzipped))
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/calendar; charset=utf-8")
		h.Set("Vary", "Accept-Encoding")
		body, length, tag := plain, plainLength, `"plain"`
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			body, length, tag = gzipped, gzipLength, `"gzip"`
			h.Set("Content-Encoding", "gzip")
		}
		h.Set("Etag", tag)
		h.Set("Content-Length", length)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, handler))
}
