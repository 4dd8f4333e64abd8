package mailcheck

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// DebianPython is Debian's interpreter, the one CI checks messages with:
// a pyenv python3 first on PATH is not the email package CI relies on.
const DebianPython = "/usr/bin/python3"

// checkEmail is fed to the interpreter on stdin, so that the check runs
// the same from any package directory.
//
//go:embed check_email.py
var checkEmail []byte

// PythonReport is what Python's email package, under
// email.policy.default, sees in one message (see check_email.py).
type PythonReport struct {
	File          string     `json:"file"`
	Defects       []string   `json:"defects"`
	Subject       string     `json:"subject"`
	From          [][]string `json:"from"`
	To            [][]string `json:"to"`
	Cc            [][]string `json:"cc"`
	ReplyTo       [][]string `json:"reply_to"`
	ContentTypes  []string   `json:"content_types"`
	Methods       []string   `json:"methods"`
	HeaderMaxLine int        `json:"header_max_line"`
	MaxLine       int        `json:"max_line"`
}

// PythonMissing says why Python's email package cannot be asked, or "".
// Under CI=true a missing interpreter fails t instead: in CI nothing skips.
func PythonMissing(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(DebianPython); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing; CI needs Debian's python3 (apt-get install python3) to check messages", DebianPython)
		}
		return DebianPython + " is missing: install Debian's python3 to check messages with Python's email package"
	}
	return ""
}

// Python reads each message with Python's email package and returns the
// reports in the order of raws, running as many interpreters at once as
// there are CPUs. Call PythonMissing first.
func Python(t testing.TB, raws [][]byte) []PythonReport {
	t.Helper()
	dir := t.TempDir()
	files := make([]string, len(raws))
	for i, raw := range raws {
		files[i] = filepath.Join(dir, fmt.Sprintf("%04d.eml", i))
		if err := os.WriteFile(files[i], raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	chunk := max(1, (len(files)+runtime.NumCPU()-1)/runtime.NumCPU())
	batches := slices.Collect(slices.Chunk(files, chunk))
	reports := make([][]PythonReport, len(batches))
	errs := make([]error, len(batches))
	var wg sync.WaitGroup
	for i, batch := range batches {
		wg.Go(func() { reports[i], errs[i] = runCheck(batch) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	all := slices.Concat(reports...)
	if len(all) != len(raws) {
		t.Fatalf("check_email.py reported on %d messages of %d", len(all), len(raws))
	}
	return all
}

func runCheck(files []string) ([]PythonReport, error) {
	cmd := exec.Command(DebianPython, append([]string{"-"}, files...)...)
	cmd.Stdin = bytes.NewReader(checkEmail)
	out, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return nil, fmt.Errorf("check_email.py failed: %w\n%s", err, exit.Stderr)
	}
	if err != nil {
		return nil, err
	}
	var reports []PythonReport
	if err := json.Unmarshal(out, &reports); err != nil {
		return nil, fmt.Errorf("check_email.py prints JSON: %w\n%s", err, out)
	}
	return reports, nil
}
