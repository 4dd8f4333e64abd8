package browsertest

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"regexp"

	"github.com/chromedp/chromedp"
)

// Screenshot saves a PNG of the whole page, beyond the window's height, as
// <TestName>-<name>.png in the screenshot folder (see the package doc) and
// returns its path. It fails the test when the image is empty or does not
// decode.
func (p *Page) Screenshot(name string) string {
	p.t.Helper()
	buf, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.fatal("take a screenshot", err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(buf))
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		p.t.Fatalf("browser: the screenshot %q is not a PNG with pixels (%dx%d): %v", name, cfg.Width, cfg.Height, err)
	}
	path := filepath.Join(p.screenshotDir(), fileName(p.t.Name())+"-"+fileName(name)+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Fatalf("browser: saving the screenshot: %v", err)
	}
	p.t.Logf("screenshot %s (%dx%d)", path, cfg.Width, cfg.Height)
	return path
}

// screenshotDir returns $SEMINAR_SCREENSHOTS, made if need be, with a
// relative path taken from the module root; else the test's temporary
// folder.
func (p *Page) screenshotDir() string {
	if p.shots != "" {
		return p.shots
	}
	dir := os.Getenv("SEMINAR_SCREENSHOTS")
	if dir == "" {
		p.shots = p.t.TempDir()
		return p.shots
	}
	if !filepath.IsAbs(dir) {
		root, err := moduleRoot()
		if err != nil {
			p.t.Fatalf("browser: SEMINAR_SCREENSHOTS=%s is relative, and the module root was not found: %v", dir, err)
		}
		dir = filepath.Join(root, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatalf("browser: making the screenshot folder: %v", err)
	}
	p.shots = dir
	return dir
}

// moduleRoot returns the nearest folder, from the working directory up,
// that holds a go.mod: go test runs in the package's folder.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

var unsafeInName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// fileName makes a test or screenshot name one safe path element:
// TestHandler/edit_page becomes TestHandler-edit_page.
func fileName(s string) string {
	return unsafeInName.ReplaceAllString(s, "-")
}
