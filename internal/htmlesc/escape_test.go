package htmlesc_test

import (
	"bytes"
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/seminarkit/seminar/internal/htmlesc"
)

// positions are the places a value goes in a page, each as html/template
// writes it there and as this package writes the same markup.
var positions = []struct {
	name  string
	tmpl  *template.Template
	write func(b *bytes.Buffer, s string)
}{
	{"text", template.Must(template.New("").Parse(`<p>{{.}}</p>`)), func(b *bytes.Buffer, s string) {
		b.WriteString("<p>")
		htmlesc.Text(b, s)
		b.WriteString("</p>")
	}},
	{"attribute", template.Must(template.New("").Parse(`<img alt="x {{.}}">`)), func(b *bytes.Buffer, s string) {
		b.WriteString(`<img alt="x `)
		htmlesc.Text(b, s)
		b.WriteString(`">`)
	}},
	{"href", template.Must(template.New("").Parse(`<a href="{{.}}">`)), func(b *bytes.Buffer, s string) {
		b.WriteString(`<a href="`)
		htmlesc.URL(b, s)
		b.WriteString(`">`)
	}},
	{"mailto", template.Must(template.New("").Parse(`<a href="mailto:{{.}}">`)), func(b *bytes.Buffer, s string) {
		b.WriteString(`<a href="mailto:`)
		htmlesc.NormalizedURL(b, s)
		b.WriteString(`">`)
	}},
	{"Link", template.Must(template.New("").Parse(`<a href="{{.}}">{{.}}</a>`)), func(b *bytes.Buffer, s string) {
		htmlesc.Link(b, s, s)
	}},
	{"Mailto", template.Must(template.New("").Parse(`<a href="mailto:{{.}}">{{.}}</a>`)), func(b *bytes.Buffer, s string) {
		htmlesc.Mailto(b, s)
	}},
}

// values need escaping in every way the escapers know, or look as if they
// did.
var values = []string{
	"", "plain", `<script>alert("x")</script>`, "a & b", "it's", `"quoted"`, "1 + 1", "\x00nul", "a\x00b\x00",
	"ünïcode — ok", "日本語", "\xff\xfe invalid utf-8", "\xe6\x97", "\ufdd0\uffff", "\t\n\r\x7f control",
	"`backtick`", "{brace}|pipe\\back^caret", "(paren)'quote'", "~tilde_under-dash.dot", "!#$&*+,/:;=?@[]",
	"https://example.org/a b?c=d&e=<f>#g", "HTTP://EXAMPLE.ORG/", "https://例え.jp/パス", "mailto:a+b@example.org",
	"a+b@example.org", "x y@z.org", "javascript:alert(1)", "JAVASCRIPT:alert(1)", "JavaScript:x", " javascript:x",
	"data:text/html,<b>x</b>", "ftp://x.org/", "vbscript:x", "/relative/path:with-colon", "../events/x",
	"a/b:c", "?q=a:b", "#frag:x", "http", "https:", ":", "mailto:", "%41%4g%zz%", "%", "%4", "%%41", "a%20b", "%E6%97%A5",
	"%0", "%0A%0a",
}

// The escapers write every value as html/template writes it in the same
// place: text, a quoted attribute's value, a URL attribute's whole value
// and a URL's part after "mailto:".
func TestEscapesAsTemplates(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	all := values
	for range 2000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = byte(rng.IntN(256))
			if rng.IntN(2) == 0 {
				b[i] = "<>&\"'+%:/#?= aZ0\x00"[rng.IntN(17)]
			}
		}
		all = append(all, string(b))
	}
	for _, p := range positions {
		t.Run(p.name, func(t *testing.T) {
			for _, v := range all {
				want, got := writeBoth(t, p.tmpl, p.write, v)
				if got != want {
					t.Errorf("%q is written as %q, html/template writes %q", v, got, want)
				}
			}
		})
	}
}

func FuzzEscapesAsTemplates(f *testing.F) {
	for _, v := range values {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, p := range positions {
			want, got := writeBoth(t, p.tmpl, p.write, v)
			if got != want {
				t.Errorf("%q in %s is written as %q, html/template writes %q", v, p.name, got, want)
			}
		}
	})
}

// Writing a value that needs no escaping allocates nothing beyond the
// buffer.
func TestText_allocatesNothing(t *testing.T) {
	b := bytes.NewBuffer(make([]byte, 0, 1024))
	allocs := testing.AllocsPerRun(100, func() {
		b.Reset()
		htmlesc.Text(b, "Seminar in room 32-G449")
		htmlesc.Text(b, "O'Brien & <Sons>")
		htmlesc.URL(b, "https://example.org/a b?c=d&e=f")
		htmlesc.NormalizedURL(b, "a+b@example.org")
	})
	if allocs != 0 {
		t.Errorf("%v allocations a run, want none", allocs)
	}
}

func writeBoth(t *testing.T, tmpl *template.Template, write func(*bytes.Buffer, string), v string) (want, got string) {
	t.Helper()
	var w strings.Builder
	if err := tmpl.Execute(&w, v); err != nil {
		t.Fatalf("executing the template on %q: %v", v, err)
	}
	var b bytes.Buffer
	write(&b, v)
	return w.String(), b.String()
}
