package ical

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unsafe"
)

// inputBlock is the most Decode reads into one block of memory. The
// components read from a block hold its bytes; once they are read into
// events, the block is garbage, so that a large input is not all in memory
// while its events are.
const inputBlock = 1 << 20

// firstUnsizedBlock is the first block read of an input whose length is
// not known: a small feed does not take a whole inputBlock.
const firstUnsizedBlock = 16 << 10

// inputReader reads the input in blocks, each of whole unfolded lines: a
// block ends after a line break that no fold follows, and the lines after
// it start the next block.
type inputReader struct {
	r     io.Reader // limited to one byte past the limit
	limit int64
	read  int64
	// block is the size of the next read; it grows to max.
	block, max int
	carry      []byte // the start of a line the last block did not end
	scratch    []byte // what a block is read through
	eof        bool
	first      bool // no block was returned yet
	// spans are the address ranges of the blocks, sorted by start: a
	// string of the input is one that lies in one of them. last is the
	// span that held the last string found: an event's strings are
	// mostly in one block.
	spans []span
	last  span
}

// span is the address range [start, end) of one block.
type span struct{ start, end uintptr }

// newInputReader reads r in blocks of at most max bytes, failing past
// limit bytes. An input that tells its length (a *bytes.Reader,
// *bytes.Buffer, *strings.Reader or a regular *os.File) longer than limit
// fails at once, and a shorter one is read in one block when it fits one.
func newInputReader(r io.Reader, limit int64, max int) (*inputReader, error) {
	var size int64 = -1
	switch r := r.(type) {
	case interface{ Len() int }:
		size = int64(r.Len())
	case *os.File:
		if fi, err := r.Stat(); err == nil && fi.Mode().IsRegular() {
			if off, err := r.Seek(0, io.SeekCurrent); err == nil {
				size = fi.Size() - off
			}
		}
	}
	if size > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	in := &inputReader{r: io.LimitReader(r, limit+1), limit: limit, max: max, first: true}
	// One byte more than expected, so that the end of the input is seen
	// without another read.
	in.block = int(min(size+1, int64(max)))
	if size < 0 {
		in.block = min(firstUnsizedBlock, max)
	}
	return in, nil
}

// next returns the next block, nil at the end of the input. The caller
// may write the block's bytes (see lineScanner).
func (in *inputReader) next() ([]byte, error) {
	for !in.eof {
		// A line longer than a block makes the next block twice its
		// length. The block is a string's bytes, which are not zeroed
		// first as a new []byte's would be: they are read into at once.
		want := max(in.block, len(in.carry))
		var b strings.Builder
		b.Grow(len(in.carry) + want)
		b.Write(in.carry)
		if in.scratch == nil {
			in.scratch = make([]byte, min(32<<10, in.block))
		}
		m, err := io.CopyBuffer(&b, io.LimitReader(in.r, int64(want)), in.scratch)
		if err != nil {
			return nil, fmt.Errorf("ical: read: %w", err)
		}
		in.eof = m < int64(want)
		in.read += m
		in.block = min(in.block*2, in.max)
		n := b.Len()
		str := b.String()
		buf := unsafe.Slice(unsafe.StringData(str), n)
		if in.read > in.limit {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, in.limit)
		}
		cut := n
		if !in.eof {
			cut = lastLineEnd(buf[:n])
		}
		// The carry holds its block until the next read copies it: none
		// is left at the end, where the decoder still holds the reader.
		in.carry = nil
		if cut < n {
			in.carry = buf[cut:n]
		}
		if cut == 0 {
			continue
		}
		return in.take(buf[:cut:cut]), nil
	}
	return nil, nil
}

// lastLineEnd returns the index after the last line break of buf that is
// followed by the start of another line (not a fold), or 0.
func lastLineEnd(buf []byte) int {
	end := len(buf) - 1
	for {
		i := bytes.LastIndexByte(buf[:end], '\n')
		if i < 0 {
			return 0
		}
		if !isFoldByte(buf[i+1]) {
			return i + 1
		}
		end = i
	}
}

// take records block among the spans and returns it, without the byte
// order mark that starts the first.
func (in *inputReader) take(block []byte) []byte {
	if in.first {
		in.first = false
		block = bytes.TrimPrefix(block, []byte("\ufeff"))
		if len(block) == 0 {
			return block
		}
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(block)))
	s := span{start, start + uintptr(len(block))}
	// A block that lies where earlier ones were is in memory they gave
	// back: they are garbage, and what lies there now is not the input.
	i := in.find(s.start)
	j := i
	for j < len(in.spans) && in.spans[j].start < s.end {
		j++
	}
	if i > 0 && in.spans[i-1].end > s.start {
		i--
	}
	in.spans = slices.Replace(in.spans, i, j, s)
	in.last = span{}
	return block
}

// find returns the index of the first span that starts at or after p.
func (in *inputReader) find(p uintptr) int {
	i, _ := slices.BinarySearchFunc(in.spans, p, func(s span, p uintptr) int { return cmp.Compare(s.start, p) })
	return i
}

// contains reports whether s lies in a block read.
func (in *inputReader) contains(s string) bool {
	if len(s) == 0 || len(in.spans) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	if p >= in.last.start && p < in.last.end {
		return true
	}
	// The first span that starts after p.
	lo, hi := 0, len(in.spans)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if in.spans[m].start <= p {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo > 0 && p < in.spans[lo-1].end {
		in.last = in.spans[lo-1]
		return true
	}
	return false
}
