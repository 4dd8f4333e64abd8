package crashtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// child is a child process as the parent sees it.
type child struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser
	// lines are the child's lines as they come, for waitLine; when nobody
	// reads them they are dropped, once the buffer is full.
	lines  chan string
	stderr bytes.Buffer // read only once exited is closed
	exited chan struct{}
	err    error // Wait's, once exited is closed
}

// startChild starts the test binary again as a child doing what cfg says,
// and writes what it prints into j. The child is killed when ctx is done
// or the test ends, whichever comes first.
func startChild(ctx context.Context, t *testing.T, cfg childConfig, j *journal) *child {
	t.Helper()
	env, err := json.Marshal(cfg)
	require.NoError(t, err)
	c := &child{t: t, lines: make(chan string, 4096), exited: make(chan struct{})}
	c.cmd = exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(), childEnv+"="+string(env))
	c.cmd.Stdout = &lineWriter{line: func(line string) {
		j.record(line)
		select {
		case c.lines <- line:
		default:
		}
	}}
	c.cmd.Stderr = &c.stderr
	c.cmd.WaitDelay = 5 * time.Second
	c.stdin, err = c.cmd.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, c.cmd.Start(), "start a child")
	go func() {
		c.err = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill()
		<-c.exited
	})
	return c
}

// waitLine waits up to timeout for a line that starts with prefix and
// returns it; it returns false when none came, or the child ended.
func (c *child) waitLine(prefix string, timeout time.Duration) (string, bool) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case line := <-c.lines:
			if strings.HasPrefix(line, prefix) {
				return line, true
			}
		case <-c.exited:
			return "", false
		case <-timer.C:
			return "", false
		}
	}
}

// kill sends SIGKILL and waits for the child to end; the child must still
// have been running.
func (c *child) kill() {
	c.t.Helper()
	_ = c.cmd.Process.Kill()
	<-c.exited
	status, _ := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !status.Signaled() || status.Signal() != syscall.SIGKILL {
		c.t.Errorf("a child must run until it is killed, whatever its store does; it ended first (%v):\n%s", c.err, c.stderr.String())
	}
	c.checkStderr()
}

// stop asks the child to stop, by closing its standard input, and waits for
// it: it must end within timeout, successfully.
func (c *child) stop(timeout time.Duration) {
	c.t.Helper()
	_ = c.stdin.Close()
	select {
	case <-c.exited:
	case <-time.After(timeout):
		_ = c.cmd.Process.Kill()
		<-c.exited
		c.t.Errorf("a child asked to stop must stop within %v, after its current calls; it had to be killed", timeout)
		return
	}
	if c.err != nil {
		c.t.Errorf("a child must survive every store error and exit successfully when asked to stop; it ended with %v:\n%s", c.err, c.stderr.String())
		return
	}
	c.checkStderr()
}

// checkStderr fails the test if the child wrote to its standard error: it
// writes its errors as lines of its output, so anything there is a data
// race the race detector saw, a panic or a fatal error.
func (c *child) checkStderr() {
	c.t.Helper()
	if c.stderr.Len() > 0 {
		c.t.Errorf("a child must write nothing to standard error (no data race, no panic); it wrote:\n%s", c.stderr.String())
	}
}

// lineWriter calls line with each line written to it, without its
// newline. exec.Cmd writes a child's output from one goroutine.
type lineWriter struct {
	line    func(string)
	pending []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.pending = append(w.pending, p...)
	for {
		i := bytes.IndexByte(w.pending, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.line(string(w.pending[:i]))
		w.pending = w.pending[i+1:]
	}
}

// journal keeps what the children of one test printed that the parent
// needs: the events they deleted, the Message-IDs the server took just
// before a kill, and their errors.
type journal struct {
	mu          sync.Mutex
	deleted     map[string]bool
	accepted    int
	errors      int
	firstErrors []string
}

func newJournal() *journal {
	return &journal{deleted: map[string]bool{}}
}

func (j *journal) record(line string) {
	what, arg, _ := strings.Cut(line, " ")
	j.mu.Lock()
	defer j.mu.Unlock()
	switch what {
	case lineDeleting:
		j.deleted[arg] = true
	case lineAccepted:
		j.accepted++
	case lineError:
		j.errors++
		if len(j.firstErrors) < 5 {
			j.firstErrors = append(j.firstErrors, arg)
		}
	}
}

// deletedIDs returns the IDs of the events the children set out to delete.
func (j *journal) deletedIDs() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	ids := make([]string, 0, len(j.deleted))
	for id := range j.deleted {
		ids = append(ids, id)
	}
	return ids
}

// errorCount returns how many errors the children printed, and the first
// few of them.
func (j *journal) errorCount() (int, []string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.errors, append([]string(nil), j.firstErrors...)
}
