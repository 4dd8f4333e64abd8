package crashtest

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"
)

// childEnv names the variable that turns the test binary into a child: its
// value is the child's configuration, in JSON.
const childEnv = "SEMINAR_CRASHTEST_CHILD"

// The settings parent and children share.
const (
	domain = "crashtest.invalid"
	from   = "Seminars <seminars@crashtest.invalid>"
	// lease is the children's ReminderOptions.Lease: short, so that a
	// claim a killed child left is taken over within the test.
	lease = 2 * time.Second
	// busyTimeout is the children's sqlite.Options.BusyTimeout: short, so
	// that the lock the parent holds makes writes fail often.
	busyTimeout = 250 * time.Millisecond
)

// lists are the reminder lists of every talk.
var lists = []string{"theory@crashtest.invalid", "ml@crashtest.invalid"}

// childConfig is what a child is told to do.
type childConfig struct {
	// Store is "sqlite" or "postgres".
	Store string
	// DB is the SQLite file or the PostgreSQL URL.
	DB string
	// Schema is the PostgreSQL schema.
	Schema string
	// SMTP is the SMTP server's host:port.
	SMTP string
	// Write makes the child create, edit, cancel and delete talks as
	// well as dispatch.
	Write bool
	// Seed seeds the child's random choices; the titles of the talks it
	// creates name it.
	Seed uint64
}

func TestMain(m *testing.M) {
	if cfg := os.Getenv(childEnv); cfg != "" {
		os.Exit(childMain(cfg))
	}
	os.Exit(m.Run())
}

// childMain runs the child the configuration cfg describes and returns its
// exit status.
func childMain(cfg string) int {
	var c childConfig
	if err := json.Unmarshal([]byte(cfg), &c); err != nil {
		fmt.Fprintf(os.Stderr, "crashtest child: %s: %v\n", childEnv, err)
		return 2
	}
	if err := runChild(c); err != nil {
		fmt.Fprintf(os.Stderr, "crashtest child: %v\n", err)
		return 1
	}
	return 0
}
