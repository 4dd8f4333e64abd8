package web

import (
	"bytes"
	"strings"
)

// htmlWriter writes HTML, escaping values as html/template does.
type htmlWriter struct{ bytes.Buffer }

// raw writes markup as it is.
func (w *htmlWriter) raw(s string) { w.WriteString(s) }

// text writes s as text, or as a quoted attribute's value.
func (w *htmlWriter) text(s string) { _, _ = htmlEscaper.WriteString(&w.Buffer, s) }

// url writes s as a URL attribute's value.
func (w *htmlWriter) url(s string) { w.text(normalizeURL(filterURL(s))) }

// link writes a link to href reading text.
func (w *htmlWriter) link(href, text string) {
	w.raw("<a href=\"")
	w.url(href)
	w.raw("\">")
	w.text(text)
	w.raw("</a>")
}

// fact writes a term and its definition.
func (w *htmlWriter) fact(term, def string) {
	w.raw("\n<dt>")
	w.raw(term)
	w.raw("</dt>\n<dd>")
	w.text(def)
	w.raw("</dd>")
}

// prose writes a section of paragraphs headed by heading, if any.
func (w *htmlWriter) prose(id, heading string, paragraphs []string) {
	if len(paragraphs) == 0 {
		return
	}
	w.raw("\n<section aria-labelledby=\"" + id + "\">\n<h2 id=\"" + id + "\">" + heading + "</h2>\n<div class=\"prose\">")
	for _, p := range paragraphs {
		w.raw("\n<p>")
		w.text(p)
		w.raw("</p>")
	}
	w.raw("\n</div>\n</section>")
}

// htmlEscaper escapes text and attribute values as html/template does: the
// bytes of markup, quotes and '+' as character references, NUL as U+FFFD.
// (It replaces bytes, where html/template replaces runes; none of these is
// part of a longer UTF-8 sequence.)
var htmlEscaper = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
)

// filterURL is html/template's filter of a URL attribute's value: a URL
// whose scheme is not http, https or mailto becomes "#ZgotmplZ".
func filterURL(s string) string {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		if !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "mailto") {
			return "#ZgotmplZ"
		}
	}
	return s
}

// normalizeURL is html/template's normalization of a URL: every byte but
// letters, digits, -._~ and the reserved !#$&*+,/:;=?@[] is percent-encoded
// in lower case, but for a % that starts a valid escape.
func normalizeURL(s string) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if urlKept[c] || c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			continue
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		const hex = "0123456789abcdef"
		b.Write([]byte{'%', hex[c>>4], hex[c&0xf]})
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// urlKept are the bytes normalizeURL keeps as they are.
var urlKept = func() (kept [256]bool) {
	for c := range 256 {
		kept[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("-._~!#$&*+,/:;=?@[]", byte(c)) >= 0
	}
	return kept
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
