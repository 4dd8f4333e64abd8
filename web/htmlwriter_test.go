package web

import (
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHTMLWriter_escapesAsTemplates writes values as text, as attribute
// values and as URLs, and checks that each comes out as html/template
// writes it in the same place: pages written partly by htmlWriter read as
// if the template wrote them.
func TestHTMLWriter_escapesAsTemplates(t *testing.T) {
	tmpl := template.Must(template.New("").Parse(
		`<p>{{.}}</p><img alt="x {{.}}"><a href="{{.}}"></a><a href="mailto:{{.}}"></a>`))
	values := []string{
		"", "plain", `<script>alert("x")</script>`, "a & b", "it's", "1 + 1", "\x00nul", "ünïcode — ok",
		"https://example.org/a b?c=d&e=<f>#g", "HTTP://EXAMPLE.ORG/", "javascript:alert(1)", "JavaScript:x",
		"data:text/html,x", "mailto:a+b@example.org", "a+b@example.org", "/relative/path:with-colon", "../events/x",
		"%41%4g%zz%", "%", "%4", "a%20b", "(paren)'quote'", "~tilde_under-dash.dot", "!#$&*+,/:;=?@[]",
		"\xff\xfe invalid utf-8", "\t\n\r control", "\ufdd0\uffff", "`backtick`", "{brace}|pipe\\back^caret",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = byte(rng.IntN(256))
			if rng.IntN(2) == 0 {
				b[i] = "<>&\"'+%:/#?= aZ0\x00"[rng.IntN(17)]
			}
		}
		values = append(values, string(b))
	}
	for _, v := range values {
		var want strings.Builder
		require.NoError(t, tmpl.Execute(&want, v))
		var w htmlWriter
		w.raw("<p>")
		w.text(v)
		w.raw(`</p><img alt="x `)
		w.text(v)
		w.raw(`"><a href="`)
		w.url(v)
		w.raw(`"></a><a href="mailto:`)
		w.text(normalizeURL(v))
		w.raw(`"></a>`)
		assert.Equal(t, want.String(), w.String(), "%q is written as html/template writes it", v)
	}
}
