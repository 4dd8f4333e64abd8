package seminar

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"text/template"
)

//go:embed templates/page.txt
var pageSource string

// templateFuncs are the functions page and reminder text templates may
// call.
var templateFuncs = template.FuncMap{"join": strings.Join, "wrap": wrap}

// defaultPage is parsed once; a parsed template is safe for concurrent
// execution and never modified.
var defaultPage = template.Must(ParsePageTemplate(pageSource))

// ParsePageTemplate parses a replacement for the event page template. It is
// executed with a *View and may call join (strings.Join) and wrap: {{wrap
// 72 .AbstractText}} breaks lines longer than 72 characters at spaces,
// never inside a word such as a URL, and sets a broken paragraph off from
// the next by a blank line. The default template, templates/page.txt in
// this module, writes the talk for the people who may attend: title,
// speakers, date and time with the zone's note, place, abstract, bio,
// links, host and contact, wrapped at 72 columns, and a cancelled talk's
// status first. It leaves out what only editors need (the reminder lists
// and subject, whether the talk is public, who entered it); a View holds
// those (.Reminders, .Subject, .Public, .CreatedBy, .Created) for a
// template that wants them. It defines "details", the page body that
// reminders reuse.
func ParsePageTemplate(src string) (*template.Template, error) {
	t, err := template.New("page").Funcs(templateFuncs).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("seminar: page template: %w: %w", ErrInvalid, err)
	}
	return t, nil
}

// WritePage writes the event page of e as text, in the default Style: the
// talk as people read it, with the date and time in the event's zone and
// its note ("all times are in the Eastern Time Zone"); see
// ParsePageTemplate for what the default template shows. t is the template
// to execute; nil means the default. It does not know the name of e's
// series (e.Series is its ID), which the page then leaves out: a
// Calendar's pages are cal.WritePage, and a caller that knows the name
// sets View.SeriesName and calls WriteView.
func WritePage(w io.Writer, e *Event, t *template.Template) error {
	return Style{}.WritePage(w, e, t)
}

// WritePage writes the event page of e as the function WritePage does, with
// dates and times in style s.
func (s Style) WritePage(w io.Writer, e *Event, t *template.Template) error {
	v, err := s.view(e)
	if err != nil {
		return fmt.Errorf("seminar: write page of event %q: %w", e.ID, err)
	}
	return WriteView(w, v, t)
}

// WritePage writes the event page of e as the function WritePage does, in
// the Calendar's Style and with the name of e's series (see Calendar.View).
func (c *Calendar) WritePage(ctx context.Context, w io.Writer, e *Event, t *template.Template) error {
	v, err := c.View(ctx, e)
	if err != nil {
		return err
	}
	return WriteView(w, v, t)
}

// WriteView writes the event page of v, a View its caller may have
// completed (SeriesName), as WritePage does. t is the template to execute;
// nil means the default.
func WriteView(w io.Writer, v *View, t *template.Template) error {
	if t == nil {
		t = defaultPage
	}
	if err := t.Execute(w, v); err != nil {
		return fmt.Errorf("seminar: write page of event %q: %w", v.ID, err)
	}
	return nil
}
