package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/internal/mailcheck"
	"github.com/seminarkit/seminar/internal/smtptest"
)

// buildCommands builds examples/quickstart and this command with go build.
func buildCommands(t *testing.T) (quickstart, reminders string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the commands; skipped with -short")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the go command is not on PATH")
		}
		t.Skip("the go command is not on PATH")
	}
	dir := t.TempDir()
	build := func(pkg, name string) string {
		out := filepath.Join(dir, name)
		msg, err := exec.Command(gobin, "build", "-o", out, pkg).CombinedOutput()
		require.NoError(t, err, "go build %s:\n%s", pkg, msg)
		return out
	}
	quickstart, reminders = build("../quickstart", "quickstart"), build(".", "reminders")
	return quickstart, reminders
}

// process is one run of a built command.
type process struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

// newProcess prepares a run of bin with env added to this process's.
func newProcess(bin string, env []string, args ...string) *process {
	p := &process{cmd: exec.Command(bin, args...)}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	return p
}

// exitCode runs bin to the end and returns its exit status and output.
func exitCode(t *testing.T, bin string, env []string, args ...string) result {
	t.Helper()
	p := newProcess(bin, env, args...)
	err := p.cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		require.NoError(t, err)
	}
	return result{p.cmd.ProcessState.ExitCode(), p.stdout.String(), p.stderr.String()}
}

// TestCommand_onTheQuickstartDatabase builds both commands and runs them as
// a user would: reminders on the database quickstart made, real exit
// statuses, real STARTTLS verified through the system's roots, and a
// dispatcher killed with SIGKILL while it sends.
func TestCommand_onTheQuickstartDatabase(t *testing.T) {
	quickstart, reminders := buildCommands(t)
	db := filepath.Join(t.TempDir(), "seminar.db")
	qs := exitCode(t, quickstart, nil, "-db", db)
	require.Equal(t, 0, qs.code, qs.stderr)

	list := exitCode(t, reminders, nil, "-db", db, "-list")
	require.Equal(t, exitOK, list.code, list.stderr)
	lines := strings.Split(strings.TrimSuffix(list.stdout, "\n"), "\n")
	require.Len(t, lines, 6, "the quickstart's six talks:\n%s", list.stdout)
	var seed string
	for _, line := range lines {
		fields := strings.Split(line, "\t")
		require.Len(t, fields, 3, "ID, start and title: %q", line)
		_, err := time.Parse(time.RFC3339, fields[1])
		assert.NoError(t, err)
		if fields[2] == "A picture of the energy landscape of deep neural networks" {
			seed = fields[0]
			assert.Equal(t, "2017-06-12T16:00:00-04:00", fields[1])
		}
	}
	require.NotEmpty(t, seed, "the seed talk is listed")

	usage := exitCode(t, reminders, nil, "-db", db, "-send", seed)
	assert.Equal(t, exitUsage, usage.code)
	assert.Contains(t, usage.stderr, "-send needs -smtp HOST:PORT")

	t.Run("STARTTLS and AUTH", func(t *testing.T) {
		ts := startServer(t, &smtptest.Options{Mechanisms: []string{"PLAIN"}})
		env := []string{"SSL_CERT_FILE=" + certFile(t), passwordEnv + "=" + smtptest.Password}
		preview := exitCode(t, reminders, env, "-db", db, "-now", beforeTalks, "-preview", seed)
		require.Equal(t, exitOK, preview.code, preview.stderr)
		sent := exitCode(t, reminders, env, "-db", db, "-smtp", ts.Addr, "-user", smtptest.User, "-now", beforeTalks, "-send", seed)
		require.Equal(t, exitOK, sent.code, sent.stderr)
		got := ts.Received()
		require.Len(t, got, 1)
		assert.True(t, got[0].TLS, "the message went over TLS")
		assert.Equal(t, smtptest.User, got[0].User)
		a, err := mailcheck.Parse([]byte(preview.stdout))
		require.NoError(t, err)
		b, err := mailcheck.Parse(got[0].Data)
		require.NoError(t, err)
		assert.Equal(t, a.WithoutClockReadings(), b.WithoutClockReadings(), "the preview is what was sent")

		untrusted := exitCode(t, reminders, []string{passwordEnv + "=" + smtptest.Password}, "-db", db, "-smtp", ts.Addr, "-user", smtptest.User, "-now", beforeTalks, "-send", seed, "-force")
		assert.Equal(t, exitFailure, untrusted.code, "a certificate that does not verify stops the send")
		assert.Contains(t, untrusted.stderr, "certificate")
		assert.Len(t, ts.Received(), 1)
	})

	t.Run("killed dispatcher", func(t *testing.T) {
		stall := startServer(t, &smtptest.Options{TLS: smtptest.Plaintext, Behavior: smtptest.StallData})
		first := newProcess(reminders, nil, "-db", db, "-smtp", stall.Addr, "-insecure", "-now", "2017-06-11T21:00:00Z", "-dispatch")
		require.NoError(t, first.cmd.Start())
		var attempted []byte
		select {
		case attempted = <-stall.Stalled:
		case <-time.After(30 * time.Second):
			_ = first.cmd.Process.Kill()
			_ = first.cmd.Wait()
			t.Fatalf("the dispatcher never sent DATA:\n%s", first.stderr.String())
		}
		require.NoError(t, first.cmd.Process.Kill(), "SIGKILL: no chance to record anything")
		_ = first.cmd.Wait()

		ts := startServer(t, &smtptest.Options{TLS: smtptest.Plaintext})
		dispatch := func(now string) string {
			r := exitCode(t, reminders, nil, "-db", db, "-smtp", ts.Addr, "-insecure", "-now", now, "-dispatch")
			require.Equal(t, exitOK, r.code, r.stderr)
			return r.stdout
		}
		// The killed dispatcher claimed both due reminders, each with the
		// default lease of two minutes.
		assert.Equal(t, "sent 0, retrying 0, failed 0, dropped 0 (0 past), repaired 0\n", dispatch("2017-06-11T21:01:00Z"), "the leases hold")
		assert.Equal(t, "sent 2, retrying 0, failed 0, dropped 0 (0 past), repaired 0\n", dispatch("2017-06-11T21:02:01Z"), "the leases expired")
		assert.Equal(t, "sent 0, retrying 0, failed 0, dropped 0 (0 past), repaired 0\n", dispatch("2017-06-11T21:03:00Z"))

		want, err := mailcheck.Parse(attempted)
		require.NoError(t, err)
		var ids []string
		for _, m := range ts.Received() {
			p, err := mailcheck.Parse(m.Data)
			require.NoError(t, err)
			ids = append(ids, p.Header.Get("Message-Id"))
		}
		assert.Contains(t, ids, want.Header.Get("Message-Id"), "the interrupted message went out again, with its Message-ID")
	})

	// The real clock: every talk is over, and what was left is dropped as
	// past, with a hint for the user trying the quickstart's June 2017.
	dispatched := exitCode(t, reminders, nil, "-db", db, "-smtp", "127.0.0.1:1", "-insecure", "-dispatch")
	require.Equal(t, exitOK, dispatched.code, dispatched.stderr)
	assert.Equal(t, "sent 0, retrying 0, failed 0, dropped 5 (5 past), repaired 0\n", dispatched.stdout)
	assert.Contains(t, dispatched.stderr, "reminders: dropped 5 as past: their talks had started, or were over; -now sets the clock, for a demo\n")
}
