package web

import (
	"bytes"

	"github.com/seminarkit/seminar/internal/htmlesc"
)

// htmlWriter writes HTML, escaping values as html/template does.
type htmlWriter struct{ bytes.Buffer }

// raw writes markup as it is.
func (w *htmlWriter) raw(s string) { w.WriteString(s) }

// text writes s as text, or as a quoted attribute's value.
func (w *htmlWriter) text(s string) { htmlesc.Text(&w.Buffer, s) }

// url writes s as a URL attribute's value.
func (w *htmlWriter) url(s string) { htmlesc.URL(&w.Buffer, s) }

// mailto writes a link to write to addr, reading addr.
func (w *htmlWriter) mailto(addr string) { htmlesc.Mailto(&w.Buffer, addr) }

// link writes a link to href reading text.
func (w *htmlWriter) link(href, text string) { htmlesc.Link(&w.Buffer, href, text) }

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
