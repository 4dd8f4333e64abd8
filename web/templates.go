package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
)

//go:embed templates/*.html templates/*.css
var templateFS embed.FS

// pageNames are the page templates, each a file templates/NAME.html that
// defines "main" and is executed inside templates/layout.html.
var pageNames = []string{"list", "event", "form", "cancel", "preview", "send", "error"}

// templates holds one parsed template per page, and those of the talks in
// listings (templates/talks.html). Parsed templates are safe for concurrent
// execution and never modified.
type templates struct {
	byName map[string]*template.Template
	talks  *template.Template
}

var templateFuncs = template.FuncMap{
	"paragraphs": paragraphs,
	"join":       strings.Join,
	"plural":     plural,
}

func parseTemplates() (*templates, error) {
	base, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/style.css", "templates/fields.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	t := &templates{byName: map[string]*template.Template{}}
	if t.talks, err = template.ParseFS(templateFS, "templates/talks.html"); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	for _, name := range pageNames {
		clone, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		if t.byName[name], err = clone.ParseFS(templateFS, "templates/"+name+".html"); err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
	}
	return t, nil
}

// layout is what every page shows around its main part.
type layout struct {
	Site, Lang string
	// Title is the page's h1 and the first part of its <title>.
	Title string
	// Root is the relative URL of the site's root from this page.
	Root string
	// ThisMonth is "2017-06", for the menu's link to the current month.
	ThisMonth string
	// CanCreate offers "New event" in the menu.
	CanCreate bool
	// Current names the menu item of this page: "upcoming", "month" or
	// "new"; empty for none.
	Current string
}

func (h *Handler) layout(r *http.Request, v viewer, title, current string) layout {
	return layout{
		Site: h.site, Lang: h.lang, Title: title, Root: rootOf(r.URL.Path),
		ThisMonth: monthOf(h.now().In(h.loc)).String(),
		CanCreate: v.creates(),
		Current:   current,
	}
}

// execute runs the page template name with data. size is a guess of the
// page's length, which the buffer is made with: a page of hundreds of talks
// is written without the buffer growing again and again.
func (h *Handler) execute(name string, data any, size int) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if err := h.pages.byName[name].ExecuteTemplate(buf, "layout.html", data); err != nil {
		return nil, fmt.Errorf("web: page %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// pageSize is the length of a page, besides what it lists, that execute
// is given to start with.
const pageSize = 12 << 10

// render writes a page that is not cached: forms, their answers and error
// pages. They depend on the request, and no cache keeps them.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	body, err := h.execute(name, data, pageSize)
	if err != nil {
		h.log.Error("web: page not rendered", "page", name, "error", err)
		if name != "error" {
			h.fail(w, r, http.StatusInternalServerError, nil)
			return
		}
		body = []byte("<!DOCTYPE html><title>Error</title><h1>Error</h1><p>Something went wrong.</p>")
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", privateCacheControl)
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// paragraphs splits text at blank lines, or at line breaks when it has no
// blank line: how pasted abstracts are written.
func paragraphs(s string) []string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	sep := "\n"
	if strings.Contains(s, "\n\n") {
		sep = "\n\n"
	}
	var out []string
	for p := range strings.SplitSeq(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// plural writes "1 talk" or "3 talks".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
