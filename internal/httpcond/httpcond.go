// Package httpcond reads the request headers that conditional and
// compressed responses depend on, for the feed and web handlers alike.
package httpcond

import (
	"strconv"
	"strings"
)

// NoneMatch reports whether If-None-Match header lines list tag, or
// "*". The comparison is weak, as RFC 9110 13.1.2 says: W/"x" matches "x".
// Parsing stops at the first malformed element of a line, and what it has
// not matched by then does not match.
func NoneMatch(lines []string, tag string) bool {
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

// AcceptsGzip reports whether an Accept-Encoding header allows gzip (RFC
// 9110 12.5.3): gzip or x-gzip with a q above zero, or else * with one. A q
// that does not parse counts as zero: the plain body is always acceptable.
func AcceptsGzip(headers []string) bool {
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
