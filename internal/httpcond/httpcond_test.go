package httpcond

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNoneMatch(t *testing.T) {
	tag := `"v1"`
	assert.True(t, NoneMatch([]string{`"v0", W/"v1"`}, tag), "a weak tag matches its strong one")
	assert.True(t, NoneMatch([]string{`"v0"`, `*`}, tag), "* matches any tag, on any line")
	assert.False(t, NoneMatch([]string{`"v0"`}, tag))
	assert.False(t, NoneMatch([]string{`v1, "v1"`}, tag), "parsing stops at a malformed element")
	assert.False(t, NoneMatch(nil, tag))
}

func TestAcceptsGzip(t *testing.T) {
	assert.True(t, AcceptsGzip([]string{"br, gzip"}))
	assert.True(t, AcceptsGzip([]string{"x-gzip;q=0.5"}))
	assert.True(t, AcceptsGzip([]string{"*"}))
	assert.False(t, AcceptsGzip([]string{"gzip;q=0, *"}), "gzip refused by name wins over *")
	assert.False(t, AcceptsGzip([]string{"gzip;q=abc"}), "a q that does not parse is zero")
	assert.False(t, AcceptsGzip(nil))
}
