package mail_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	smail "github.com/seminarkit/seminar/mail"
)

// debianPython is Debian's interpreter: the pyenv one on PATH may lack
// what Debian's python3 packages install, and the email package must be
// the one CI checks with.
const debianPython = "/usr/bin/python3"

// pythonReport is what testdata/check_email.py prints for one message.
type pythonReport struct {
	File          string     `json:"file"`
	Defects       []string   `json:"defects"`
	Subject       string     `json:"subject"`
	From          [][]string `json:"from"`
	ContentTypes  []string   `json:"content_types"`
	Methods       []string   `json:"methods"`
	HeaderMaxLine int        `json:"header_max_line"`
	MaxLine       int        `json:"max_line"`
}

// TestCompose_PythonEmail reads every composed message with Python's email
// package under email.policy.default, the parser of many list servers and
// mail tools: no defect anywhere, the subject decodes back, the parts come
// in order, and no line is longer than RFC 5322 allows.
func TestCompose_PythonEmail(t *testing.T) {
	if _, err := os.Stat(debianPython); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing; CI needs Debian's python3 (apt-get install python3) for this check", debianPython)
		}
		t.Skipf("%s is missing: install Debian's python3 to check messages with Python's email package", debianPython)
	}
	msgs := map[string]*seminar.Message{
		"reminder":      seedReminder(),
		"international": international(),
	}
	for name, title := range longTitles() {
		m := international()
		m.Subject = "TALK: " + title
		msgs["long "+name] = m
	}
	cancel := seedReminder()
	cancel.Calendar.Method = "CANCEL"
	cancel.Calendar.Data = []byte("BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n")
	msgs["cancel"] = cancel
	textOnly := international()
	textOnly.HTML, textOnly.Calendar = "", nil
	msgs["text only"] = textOnly

	dir := t.TempDir()
	var files []string
	want := map[string]*seminar.Message{}
	for name, m := range msgs {
		raw, err := smail.Compose(m)
		require.NoError(t, err, name)
		path := filepath.Join(dir, name+".eml")
		require.NoError(t, os.WriteFile(path, raw, 0o644))
		files = append(files, path)
		want[path] = m
	}
	sort.Strings(files)

	out, err := exec.Command(debianPython, append([]string{filepath.Join("testdata", "check_email.py")}, files...)...).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		t.Fatalf("check_email.py failed: %v\n%s", err, exit.Stderr)
	}
	require.NoError(t, err)
	var reports []pythonReport
	require.NoError(t, json.Unmarshal(out, &reports), "check_email.py prints JSON:\n%s", out)
	require.Len(t, reports, len(files))
	for _, r := range reports {
		m := want[r.File]
		name := filepath.Base(r.File)
		assert.Empty(t, r.Defects, "%s: Python's email package finds defects", name)
		assert.Equal(t, m.Subject, r.Subject, "%s: subject", name)
		assert.Equal(t, [][]string{{m.From.Name, m.From.Address}}, r.From, "%s: From", name)
		assert.LessOrEqual(t, r.HeaderMaxLine, 78, "%s: longest header line", name)
		assert.LessOrEqual(t, r.MaxLine, 998, "%s: longest line", name)
		if m.Calendar != nil {
			assert.Equal(t, []string{"multipart/mixed", "multipart/alternative", "text/plain", "text/html",
				"text/calendar", "application/ics"}, r.ContentTypes, "%s: parts", name)
			assert.Equal(t, []string{m.Calendar.Method}, r.Methods, "%s: calendar method", name)
		} else {
			assert.Equal(t, []string{"text/plain"}, r.ContentTypes, "%s: parts", name)
		}
	}
}
