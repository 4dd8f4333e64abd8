package seminar

import (
	_ "embed"
	"fmt"
	"io"
	"strings"
	"text/template"
)

//go:embed templates/page.txt
var pageSource string

// templateFuncs are the functions page and reminder templates may call.
var templateFuncs = template.FuncMap{"join": strings.Join}

// defaultPage is parsed once; a parsed template is safe for concurrent
// execution and never modified.
var defaultPage = template.Must(ParsePageTemplate(pageSource))

// ParsePageTemplate parses a replacement for the event page template. It is
// executed with a *View and may call join (strings.Join). The default
// template, templates/page.txt in this module, shows the page with its
// action menu and defines "details", the page body that reminders reuse.
func ParsePageTemplate(src string) (*template.Template, error) {
	t, err := template.New("page").Funcs(templateFuncs).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("seminar: page template: %w: %w", ErrInvalid, err)
	}
	return t, nil
}

// WritePage writes the event page of e as text: the title and menu, speakers,
// date and time in the event's zone with its note ("all times are in the
// Eastern Time Zone"), place, host, contact, reminder settings, abstract,
// links, bio, areas and who created it. t is the template to execute; nil
// means the default.
func WritePage(w io.Writer, e *Event, t *template.Template) error {
	if t == nil {
		t = defaultPage
	}
	v, err := Style{}.view(e)
	if err == nil {
		err = t.Execute(w, v)
	}
	if err != nil {
		return fmt.Errorf("seminar: write page of event %q: %w", e.ID, err)
	}
	return nil
}
