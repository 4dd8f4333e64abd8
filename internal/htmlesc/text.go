// Package htmlesc writes values into HTML escaped byte for byte as
// html/template escapes them in the same place, without executing a
// template: the template's reflective calls of its escapers cost more than
// the rest of a page. Pages and messages written partly here and partly by
// html/template read as if the template wrote them all.
//
// Each function appends to a bytes.Buffer and allocates nothing beyond the
// buffer's growth.
package htmlesc

import "bytes"

// textReplacement is what Text writes for each byte, or "" for the byte as
// it is. html/template replaces runes, not bytes, but none of these bytes
// is part of a longer UTF-8 sequence, and it passes invalid UTF-8 through.
var textReplacement = [256]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

// Text writes s as html/template writes a string in text or in a quoted
// attribute's value: the bytes of markup, quotes and '+' as character
// references, NUL as U+FFFD.
func Text(b *bytes.Buffer, s string) {
	written := 0
	for i := 0; i < len(s); i++ {
		repl := textReplacement[s[i]]
		if repl == "" {
			continue
		}
		b.WriteString(s[written:i])
		b.WriteString(repl)
		written = i + 1
	}
	b.WriteString(s[written:])
}
