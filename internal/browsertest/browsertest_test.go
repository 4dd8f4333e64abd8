package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/internal/browsertest"
)

// formPage has a form, a hidden element and a sandboxed srcdoc iframe
// whose text appears nowhere else.
const formPage = `<!DOCTYPE html>
<html><head><title>form</title></head><body>
<h1>A form</h1>
<p hidden>hidden words</p>
<form method="post" action="/echo">
<input id="field-title" name="title" value="old title">
<textarea id="field-abstract" name="abstract"></textarea>
<input id="field-force" type="checkbox" name="force">
<button type="submit" id="send">Send</button>
</form>
<iframe id="preview" sandbox srcdoc="<!DOCTYPE html><p>Only in the &amp;lt;frame&amp;gt;: &amp;amp; friends</p>"></iframe>
<iframe id="plain" srcdoc="<!DOCTYPE html><p>In a frame of the page's own origin</p>"></iframe>
</body></html>`

func server(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, formPage)
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusConflict)
		c, _ := r.Cookie("who")
		fmt.Fprintf(w, "title=%q abstract=%q force=%q cookie=%v", r.FormValue("title"), r.FormValue("abstract"), r.FormValue("force"), c)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func TestPage(t *testing.T) {
	ts := server(t)
	p := browsertest.New(t, nil)

	require.Equal(t, http.StatusOK, p.Navigate(ts.URL+"/"))
	text := p.Text()
	assert.Contains(t, text, "A form", "Text must hold the page's visible text")
	assert.NotContains(t, text, "hidden words", "Text must leave out what is hidden")
	assert.NotContains(t, text, "Only in the", "the page's own text must not reach into the iframe")
	assert.Equal(t, "old title", p.Value("field-title"))
	assert.True(t, p.Has("preview"))
	assert.False(t, p.Has("no-such-id"))

	opaque, err := chromedpEval(p, `document.getElementById("preview").contentDocument === null`)
	require.NoError(t, err)
	assert.True(t, opaque, "a sandboxed iframe without allow-same-origin must be closed to its page; else FrameText proves nothing")
	assert.Equal(t, "Only in the <frame>: & friends", p.FrameText("#preview"),
		"FrameText must read the text the sandboxed frame shows")
	assert.Equal(t, "In a frame of the page's own origin", p.FrameText("#plain"),
		"FrameText must read a frame of the page's process too")

	path := p.Screenshot("form")
	_, err = os.Stat(path)
	require.NoError(t, err, "the screenshot must be saved")
	assert.Contains(t, path, "TestPage-form.png")

	p.SetCookie(ts.URL, "who", "tester")
	status := p.Submit("#send", map[string]string{
		"field-title": "A new title, with \"quotes\"", "field-abstract": "line one\nline two", "field-force": "on",
	})
	assert.Equal(t, http.StatusConflict, status, "Submit must return the status of the page the form leads to")
	assert.Equal(t, `title="A new title, with \"quotes\"" abstract="line one\r\nline two" force="on" cookie=who=tester`, p.Text(),
		"the form must post the values filled in, and the cookie set")
}

// fakeT records how New gives up instead of stopping the test.
type fakeT struct {
	testing.TB
	fatal, skip string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (f *fakeT) Skipf(format string, args ...any) {
	f.skip = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestNew_withoutChromium(t *testing.T) {
	t.Setenv("CHROMIUM", "/nonexistent/chromium")
	for _, ci := range []string{"", "true"} {
		t.Run("CI="+ci, func(t *testing.T) {
			t.Setenv("CI", ci)
			f := &fakeT{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				browsertest.New(f, nil)
			}()
			<-done
			if ci == "true" {
				assert.Empty(t, f.skip, "under CI=true a missing browser must fail the test, not skip it")
				assert.Contains(t, f.fatal, "chromium not found: apt-get install chromium, or set CHROMIUM")
				return
			}
			assert.Empty(t, f.fatal, "outside CI a missing browser must skip the test")
			assert.True(t, strings.HasPrefix(f.skip, "chromium not found: apt-get install chromium, or set CHROMIUM"), f.skip)
		})
	}
}

// chromedpEval evaluates a boolean expression in the page.
func chromedpEval(p *browsertest.Page, expr string) (bool, error) {
	return chromedp.Run(p.Context(), chromedp.Evaluate[bool](expr))
}
