package browsertest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Page is one tab of a test's browser. Its methods stop the test with
// t.Fatal when the browser fails or the test's deadline runs out; call them
// from the test's goroutine.
type Page struct {
	t       testing.TB
	ctx     context.Context
	timeout time.Duration
	shots   string // the screenshot folder, once made
}

// Context returns the tab's chromedp context, for chromedp actions the
// Page has no method for. It ends at the test's deadline.
func (p *Page) Context() context.Context { return p.ctx }

// fatal stops the test with what failed.
func (p *Page) fatal(what string, err error) {
	p.t.Helper()
	p.t.Fatalf("browser: %s: %v", what, deadline(err, p.timeout))
}

// Navigate loads url and returns the HTTP status of its response.
func (p *Page) Navigate(url string) int {
	p.t.Helper()
	resp, err := chromedp.Run(p.ctx, chromedp.NavigateResponse(url))
	if err != nil {
		p.fatal("navigate to "+url, err)
	}
	return int(resp.Status)
}

// URL returns the address of the page now shown.
func (p *Page) URL() string {
	p.t.Helper()
	u, err := chromedp.Run(p.ctx, chromedp.Location())
	if err != nil {
		p.fatal("read the location", err)
	}
	return u
}

// Text returns the visible text of the page, as document.body.innerText
// has it: what a person sees, laid out in lines, without hidden elements.
func (p *Page) Text() string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		p.fatal("read the page's text", err)
	}
	return s
}

// TextOf returns the visible text of the element with the given id, or
// fails the test when there is none.
func (p *Page) TextOf(id string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[*string](
		`(el => el ? el.innerText : null)(document.getElementById(`+quote(id)+`))`))
	if err != nil {
		p.fatal("read the text of #"+id, err)
	}
	if s == nil {
		p.t.Fatalf("browser: the page %s has no element with id %q", p.URL(), id)
	}
	return *s
}

// Has reports whether the page has an element with the given id.
func (p *Page) Has(id string) bool {
	p.t.Helper()
	ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`document.getElementById(`+quote(id)+`) !== null`))
	if err != nil {
		p.fatal("look for #"+id, err)
	}
	return ok
}

// Value returns the value of the form field with the given id (for a
// checkbox, "on" when checked and "" when not), or fails the test when
// there is none.
func (p *Page) Value(id string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[*string](`(el => !el ? null :
		(el.type === "checkbox" || el.type === "radio") ? (el.checked ? "on" : "") : el.value)(document.getElementById(`+quote(id)+`))`))
	if err != nil {
		p.fatal("read the value of #"+id, err)
	}
	if v == nil {
		p.t.Fatalf("browser: the page %s has no form field with id %q", p.URL(), id)
	}
	return *v
}

// Fill sets form fields by element id: the value of an input, textarea or
// select; a checkbox or radio button is checked by any value but "". It
// fails the test when a field is missing.
func (p *Page) Fill(fields map[string]string) {
	p.t.Helper()
	arg, err := json.Marshal(fields)
	if err != nil {
		p.t.Fatalf("browser: fill: %v", err)
	}
	missing, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`(fields => {
		const missing = [];
		for (const [id, v] of Object.entries(fields)) {
			const el = document.getElementById(id);
			if (!el) { missing.push(id); continue; }
			if (el.type === "checkbox" || el.type === "radio") el.checked = v !== "";
			else el.value = v;
			el.dispatchEvent(new Event("input", {bubbles: true}));
			el.dispatchEvent(new Event("change", {bubbles: true}));
		}
		return missing;
	})(`+string(arg)+`)`))
	if err != nil {
		p.fatal("fill the form", err)
	}
	if len(missing) > 0 {
		p.t.Fatalf("browser: the page %s has no form field with id %q", p.URL(), missing)
	}
}

// Click clicks the element the CSS selector finds, as a mouse would, and
// waits for the page it leads to. It returns that page's HTTP status.
func (p *Page) Click(selector string) int {
	p.t.Helper()
	resp, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
	if err != nil {
		p.fatal("click "+selector, err)
	}
	return int(resp.Status)
}

// Submit fills the form fields by element id (see Fill), clicks the button
// the CSS selector finds and waits for the page the form leads to. It
// returns that page's HTTP status.
func (p *Page) Submit(button string, fields map[string]string) int {
	p.t.Helper()
	p.Fill(fields)
	return p.Click(button)
}

// SetCookie sets a cookie for the origin of url, as if that site had set
// it: the next requests to it carry the cookie.
func (p *Page) SetCookie(url, name, value string) {
	p.t.Helper()
	err := chromedp.Do(p.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: url})
		return err
	}))
	if err != nil {
		p.fatal("set the cookie "+name, err)
	}
}

// quote writes s as a JavaScript string literal.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
