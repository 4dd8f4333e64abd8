package web

import (
	"html/template"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The talk cache stays within its budget, and what pages keep showing
// stays in it.
func TestTalkCache_budget(t *testing.T) {
	c := newTalkCache(2 * 10 * 100) // ten entries of 100 bytes a generation
	html := template.HTML(make([]byte, 100-64-2))
	put := func(i int) { c.put("k"+strconv.Itoa(i), html) }
	for i := range 10 {
		put(i)
	}
	for i := 10; i < 30; i++ {
		put(i)
		_, ok := c.get([]byte("k0"))
		assert.True(t, ok, "an entry used after each put is kept (after %d)", i)
	}
	_, ok := c.get([]byte("k1"))
	assert.False(t, ok, "an entry not used for two generations is dropped")
	n := len(c.newer) + len(c.older)
	assert.LessOrEqual(t, n, 20, "at most two generations are kept")
}
