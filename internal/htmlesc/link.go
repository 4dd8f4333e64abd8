package htmlesc

import "bytes"

// Link writes <a href="HREF">TEXT</a> as html/template writes
// <a href="{{.Href}}">{{.Text}}</a>: href filtered and normalized as a
// URL, text escaped.
func Link(b *bytes.Buffer, href, text string) {
	b.WriteString(`<a href="`)
	URL(b, href)
	b.WriteString(`">`)
	Text(b, text)
	b.WriteString("</a>")
}

// Mailto writes a link to write to addr, reading addr, as html/template
// writes <a href="mailto:{{.}}">{{.}}</a>.
func Mailto(b *bytes.Buffer, addr string) {
	b.WriteString(`<a href="mailto:`)
	NormalizedURL(b, addr)
	b.WriteString(`">`)
	Text(b, addr)
	b.WriteString("</a>")
}
