package web

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestEtagOf checks that bodies that differ, even by one byte or by two
// bytes swapped and at the same length, get different entity-tags, that a
// body gets the same one each time, and that each is a valid strong
// entity-tag once quoted (RFC 9110 8.8.3: etagc is %x21 / %x23-7E /
// obs-text).
func TestEtagOf(t *testing.T) {
	page := []byte("<!DOCTYPE html><title>A picture of the energy landscape</title><p>Stochastic gradient descent</p>")
	changed := func(f func(b []byte)) []byte {
		b := append([]byte(nil), page...)
		f(b)
		return b
	}
	bodies := map[string][]byte{
		"the page":             page,
		"empty":                {},
		"one byte changed":     changed(func(b []byte) { b[40]++ }),
		"last byte changed":    changed(func(b []byte) { b[len(b)-1] = '!' }),
		"two bytes swapped":    changed(func(b []byte) { b[20], b[21] = b[21], b[20] }),
		"far bytes swapped":    changed(func(b []byte) { b[3], b[60] = b[60], b[3] }),
		"a byte longer":        append(append([]byte(nil), page...), ' '),
		"a byte shorter":       page[:len(page)-1],
		"zeros":                make([]byte, len(page)),
		"zeros, one more":      make([]byte, len(page)+1),
		"one zero byte":        {0},
		"two zero bytes":       {0, 0},
		"a 64 KiB page":        make([]byte, 64<<10),
		"a 64 KiB page edited": func() []byte { b := make([]byte, 64<<10); b[32<<10] = 1; return b }(),
	}

	strong := regexp.MustCompile(`^"[\x21\x23-\x7e]+"$`)
	seen := map[string]string{}
	for name, body := range bodies {
		tag := etagOf(body)
		assert.Equal(t, tag, etagOf(append([]byte(nil), body...)), "%s: the same body gets the same ETag", name)
		assert.Regexp(t, strong, `"`+tag+`"`, "%s: a strong entity-tag", name)
		if other, ok := seen[tag]; ok {
			t.Errorf("%s and %s get the same ETag %s", name, other, tag)
		}
		seen[tag] = name
	}
}
