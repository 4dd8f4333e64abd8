package main

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// asMain makes the test binary run main instead of the tests: demo starts
// the dispatchers by running its own executable, which in a test is this
// binary.
const asMain = "MULTIINSTANCE_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMain) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func TestDemo(t *testing.T) {
	url := os.Getenv("SEMINAR_POSTGRES_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("SEMINAR_POSTGRES_URL is unset, and CI must run this test: .ci/run starts PostgreSQL and sets it")
		}
		t.Skip("SEMINAR_POSTGRES_URL is unset; run with SEMINAR_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'")
	}
	t.Setenv(asMain, "1")
	var out bytes.Buffer
	err := demo(t.Context(), &out, config{db: url, talks: 40})
	t.Log(out.String())
	require.NoError(t, err, "every reminder must be delivered once")
	assert.Contains(t, out.String(), "each of the 40 reminders was delivered once")
	total := 0
	for _, m := range regexp.MustCompile(`dispatcher [AB] sent (\d+)`).FindAllStringSubmatch(out.String(), -1) {
		n, _ := strconv.Atoi(m[1])
		total += n
	}
	assert.Equal(t, 40, total, "the two dispatchers' counts must add up to the reminders")
}
