// Package browsertest drives a headless Chromium from go test, through
// chromedp, so that tests see pages as a person would: the visible text,
// forms filled in and submitted, the content of sandboxed iframes, and
// full-page screenshots.
//
// # The browser
//
// [New] starts one Chromium for the test and opens a [Page] in it. The
// browser is Debian's chromium: $CHROMIUM when set, else chromium on PATH,
// else /usr/bin/chromium. Without one the test skips, saying how to
// install it, except under CI=true, where it fails: in CI nothing skips.
// The browser runs headless, without a sandbox (tests run as root), GPU,
// QUIC, first-run pages, background networking, component updates or
// sync, on a fresh temporary profile that is removed when it exits.
//
// # Deadlines
//
// Everything the browser does for a test, its start included, runs under
// one deadline (Options.Timeout, 30 s by default): at the deadline the
// browser is killed and the action that waited fails the test, so a
// browser test never hangs go test.
//
// # Screenshots
//
// [Page.Screenshot] writes a full-page PNG. With $SEMINAR_SCREENSHOTS set
// it goes to that folder (a relative path is taken from the module root,
// so SEMINAR_SCREENSHOTS=.screenshots writes to <repo>/.screenshots, which
// git ignores) as <TestName>-<name>.png, and stays there to be looked at;
// otherwise it goes to the test's t.TempDir and is removed with it.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// DefaultTimeout bounds a test's use of its browser when Options.Timeout
// is zero.
const DefaultTimeout = 30 * time.Second

// Options configures the browser of one test. A nil *Options means the
// defaults written on each field.
type Options struct {
	// Timeout bounds everything the browser does for the test, its start
	// included. Default DefaultTimeout.
	Timeout time.Duration
	// Width and Height are the window's size in CSS pixels, which is the
	// width screenshots are taken at. Default 1024 by 768.
	Width, Height int
}

// Path returns the Chromium to run: $CHROMIUM when set, else chromium on
// PATH, else /usr/bin/chromium.
func Path() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return exec.LookPath(p)
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, nil
	}
	return exec.LookPath("/usr/bin/chromium")
}

// New starts a headless Chromium for t and returns a page (a tab) in it.
// The browser is closed, and its profile removed, when t ends.
func New(t testing.TB, opts *Options) *Page {
	t.Helper()
	path, err := Path()
	if err != nil {
		const msg = "chromium not found: apt-get install chromium, or set CHROMIUM"
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s (%v); under CI=true browser tests fail rather than skip", msg, err)
		}
		t.Skipf("%s (%v)", msg, err)
	}
	o := Options{}
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Width <= 0 || o.Height <= 0 {
		o.Width, o.Height = 1024, 768
	}

	// Not t.Context(): it ends before the cleanups run, and the browser
	// must still answer while they close it.
	ctx, cancel := context.WithTimeout(context.Background(), o.Timeout)
	out := &output{}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, allocatorOptions(path, o, out)...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancel()
		if t.Failed() {
			t.Logf("chromium's output:\n%s", out.tail(30))
		}
	})
	// The first action starts the browser and opens the tab.
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("browser: starting %s: %v", path, deadline(err, o.Timeout))
	}
	return &Page{t: t, ctx: tabCtx, timeout: o.Timeout}
}

// allocatorOptions are chromedp's defaults (headless, no first run, no
// background networking, no sync, ...) and the flags a test run needs on
// top of them.
func allocatorOptions(path string, o Options, out *output) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(o.Width, o.Height),
		chromedp.CombinedOutput(out),
	)
}

// deadline says, when err is the test's deadline running out, which
// deadline it was.
func deadline(err error, timeout time.Duration) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w (the browser's deadline of %v for this test ran out)", err, timeout)
	}
	return err
}

// output keeps what the browser prints, to show when a test fails.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

// tail returns the last n lines written.
func (o *output) tail(n int) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	lines := strings.Split(strings.TrimRight(o.buf.String(), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
