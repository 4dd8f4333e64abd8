package ical

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// looksLikeHTML reports whether a DESCRIPTION is HTML, as Google Calendar
// writes one ("<b>Speaker:</b> Jane Doe<br><a href=...>slides</a>"): it
// holds a tag of those that descriptions use, or it holds no "<" and a
// character reference ("Q&amp;A"). Text that merely holds a "<" ("a < b",
// "<insert title>") is not HTML.
func looksLikeHTML(s string) bool {
	if !strings.Contains(s, "<") {
		return hasEntity(s)
	}
	for i := strings.IndexByte(s, '<'); i >= 0; {
		rest := s[i+1:]
		rest = strings.TrimPrefix(rest, "/")
		n := 0
		for n < len(rest) && n < 12 && (isASCIILetter(rest[n]) || rest[n] == '-' || n > 0 && rest[n] >= '1' && rest[n] <= '6') {
			n++
		}
		if n > 0 && n < len(rest) && htmlTags[strings.ToLower(rest[:n])] && strings.IndexByte(" \t\r\n/>", rest[n]) >= 0 {
			return true
		}
		j := strings.IndexByte(rest, '<')
		if j < 0 {
			return false
		}
		i = len(s) - len(rest) + j
	}
	return false
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// htmlTags are the tags whose presence makes a description HTML.
var htmlTags = map[string]bool{
	"a": true, "b": true, "i": true, "u": true, "s": true, "em": true, "strong": true, "br": true,
	"p": true, "div": true, "span": true, "ul": true, "ol": true, "li": true, "html": true,
	"html-blob": true, "body": true, "font": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "table": true, "tr": true, "td": true, "th": true, "hr": true,
	"blockquote": true, "pre": true, "code": true, "sup": true, "sub": true, "img": true,
	"strike": true, "del": true, "ins": true, "small": true, "big": true, "center": true, "tt": true,
	"style": true, "script": true, "head": true, "meta": true, "title": true,
}

// hasEntity reports whether s holds one of the character references that
// HTML descriptions hold ("Q&amp;A", "&nbsp;").
func hasEntity(s string) bool {
	for _, e := range [...]string{"&amp;", "&nbsp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#"} {
		if strings.Contains(s, e) {
			return true
		}
	}
	return false
}

// htmlText returns the plain text of an HTML description: its text, with
// a line break for each <br>, paragraphs and blocks apart, list items on
// lines of their own, and each link as "text (URL)", or the URL alone when
// the text is the URL. Google's redirects
// ("https://www.google.com/url?q=...") are replaced by their target.
// Scripts, styles and comments are left out.
//
// Line breaks in the source are kept when the HTML has no <br> or block to
// say where lines break (a text written with newlines and a link or two),
// and are spaces otherwise, as a browser shows them.
func htmlText(s string) string {
	w := &htmlWriter{keepNewlines: !hasBlocks(s)}
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0 // depth inside elements whose content is not text
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			w.endLinks()
			return w.result()
		case html.TextToken:
			if skip == 0 {
				w.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if hidden[a] {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
			w.start(a, hasAttr, z)
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if hidden[a] {
				skip = max(skip-1, 0)
				continue
			}
			w.end(a)
		}
	}
}

// hidden are the elements whose content is not shown as text.
var hidden = map[atom.Atom]bool{atom.Script: true, atom.Style: true, atom.Head: true, atom.Title: true,
	atom.Template: true, atom.Noscript: true, atom.Iframe: true, atom.Object: true, atom.Svg: true}

// blocks are the elements that stand on lines of their own.
var blocks = map[atom.Atom]bool{atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Blockquote: true, atom.Pre: true, atom.Table: true,
	atom.Tr: true, atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Hr: true, atom.Dl: true, atom.Dt: true,
	atom.Dd: true, atom.Center: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Body: true, atom.Html: true}

// paragraphs are the blocks set apart by a blank line.
var paragraphs = map[atom.Atom]bool{atom.P: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Blockquote: true, atom.Pre: true, atom.Table: true, atom.Ul: true,
	atom.Ol: true, atom.Hr: true}

// hasBlocks reports whether s has a <br> or a block element, which say
// where its lines break.
func hasBlocks(s string) bool {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			if a := atom.Lookup(name); a == atom.Br || blocks[a] {
				return true
			}
		}
	}
}

// htmlWriter builds the text of htmlText.
type htmlWriter struct {
	b []byte
	// keepNewlines keeps the source's line breaks.
	keepNewlines bool
	// space records white space not written yet: it is written before the
	// next text, unless a line break comes first.
	space bool
	// breaks is how many line breaks are owed before the next text: 1 for
	// a new line, 2 for a new paragraph.
	breaks int
	// links are the links open, innermost last.
	links []openLink
}

// openLink is an <a> whose text is being written: its URL, and where in
// the text its own text starts.
type openLink struct {
	href  string
	start int
}

func (w *htmlWriter) text(t string) {
	t = strings.ReplaceAll(t, "\u00a0", " ")
	t = strings.ReplaceAll(t, "\r\n", "\n")
	t = strings.ReplaceAll(t, "\r", "\n")
	for i, line := range strings.Split(t, "\n") {
		if i > 0 {
			if w.keepNewlines {
				w.lineBreak(1)
			} else {
				w.space = true
			}
		}
		w.words(line)
	}
}

// words writes one line of text, its runs of white space as one space.
func (w *htmlWriter) words(line string) {
	if line == "" {
		return
	}
	if line[0] == ' ' || line[0] == '\t' || line[0] == '\f' {
		w.space = true
	}
	fields := strings.Fields(line)
	for i, f := range fields {
		if i > 0 {
			w.space = true
		}
		w.flush()
		w.b = append(w.b, f...)
	}
	if len(fields) > 0 && strings.TrimRight(line, " \t\f") != line {
		w.space = true
	}
}

// flush writes the line breaks or space owed before text.
func (w *htmlWriter) flush() {
	switch {
	case len(w.b) == 0:
	case w.breaks > 0:
		w.b = append(w.b, strings.Repeat("\n", w.breaks)...)
	case w.space:
		w.b = append(w.b, ' ')
	}
	w.breaks, w.space = 0, false
}

// lineBreak owes n line breaks (1 or 2) before the next text.
func (w *htmlWriter) lineBreak(n int) {
	w.breaks = min(w.breaks+n, 2)
	w.space = false
}

// block owes the line breaks that set a block apart.
func (w *htmlWriter) block(a atom.Atom) {
	n := 1
	if paragraphs[a] {
		n = 2
	}
	w.breaks = max(w.breaks, n)
	w.space = false
}

func (w *htmlWriter) start(a atom.Atom, hasAttr bool, z *html.Tokenizer) {
	switch {
	case a == atom.Br:
		w.lineBreak(1)
	case a == atom.Li:
		w.block(a)
		w.flush()
		w.b = append(w.b, "- "...)
	case a == atom.Td || a == atom.Th:
		w.space = true
	case a == atom.A:
		href := ""
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			if string(k) == "href" {
				href = strings.TrimSpace(string(v))
			}
		}
		w.links = append(w.links, openLink{href: linkTarget(href), start: len(w.b)})
	case blocks[a]:
		w.block(a)
	}
}

func (w *htmlWriter) end(a atom.Atom) {
	switch {
	case a == atom.A:
		if n := len(w.links); n > 0 {
			w.endLink(w.links[n-1])
			w.links = w.links[:n-1]
		}
	case blocks[a]:
		w.block(a)
	}
}

// endLinks ends the links left open at the end of the input.
func (w *htmlWriter) endLinks() {
	for i := len(w.links) - 1; i >= 0; i-- {
		w.endLink(w.links[i])
	}
	w.links = nil
}

// endLink writes a link's URL after its text, unless the text is the URL
// already.
func (w *htmlWriter) endLink(l openLink) {
	if l.href == "" {
		return
	}
	shown := strings.TrimPrefix(l.href, "mailto:")
	own := w.b[l.start:]
	text := bytes.TrimLeft(own, " \n")
	at := l.start + len(own) - len(text) // where the link's text starts
	text = bytes.TrimRight(text, " \n")
	switch {
	case len(text) == 0:
		w.flush()
		w.b = append(w.b, shown...)
	case len(text) <= len(l.href)+len("https://www.") && sameLink(string(text), l.href):
		// The text without its scheme, say: the URL in full is as short
		// and stays a link for a mail reader.
		w.b = append(w.b[:at], shown...)
	default:
		w.b = append(w.b, " ("+shown+")"...)
	}
}

// sameLink reports whether a link's text says its URL already: the URL
// itself, or without its scheme, "mailto:" or trailing slash.
func sameLink(text, href string) bool {
	norm := func(s string) string {
		s = strings.ToLower(s)
		for _, p := range [...]string{"mailto:", "https://", "http://", "www."} {
			s = strings.TrimPrefix(s, p)
		}
		return strings.TrimSuffix(s, "/")
	}
	return norm(text) == norm(href)
}

// linkTarget returns the URL an href leads to, "" for one a reader cannot
// follow (javascript:, a fragment, a relative path): Google's redirect is
// replaced by its target, and only http, https and mailto URLs are kept.
func linkTarget(href string) string {
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	if (scheme == "http" || scheme == "https") && u.Path == "/url" &&
		(strings.EqualFold(u.Host, "www.google.com") || strings.EqualFold(u.Host, "google.com")) {
		if q := u.Query().Get("q"); q != "" && q != href {
			if target := linkTarget(q); target != "" {
				return target
			}
		}
	}
	switch {
	case scheme == "mailto" && u.Opaque != "":
		return href
	case (scheme == "http" || scheme == "https") && u.Host != "":
		return href
	}
	return ""
}

// result returns the text written, its lines without trailing spaces, at
// most one blank line between paragraphs.
func (w *htmlWriter) result() string {
	lines := strings.Split(string(w.b), "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			if blank++; blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
