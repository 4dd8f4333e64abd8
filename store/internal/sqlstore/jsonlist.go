package sqlstore

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/seminarkit/seminar"
)

// The list columns hold JSON that json.Marshal wrote (store/sqlite) or
// that PostgreSQL's jsonb gives back (store/postgres: the same values, keys
// reordered, spaces added). Decoding them with json.Unmarshal took almost
// half the time of a month listing, all of it in reflection, so these
// parsers read those shapes directly. They give up (ok false) on anything
// they are not sure to read exactly as encoding/json would: surrogate
// escapes, null, unknown keys, numbers that are not plain integers. The
// caller then falls back to json.Unmarshal, so a row edited by hand still
// reads as JSON says. FuzzListParsers checks that whenever they succeed they
// agree with encoding/json.

// DecodeStrings decodes a JSON array of strings; nil data is a nil list.
func DecodeStrings(data []byte) ([]string, error) { return decodeList(data, (*lexer).str) }

// DecodeDurations decodes a JSON array of integer nanoseconds; nil data is
// a nil list.
func DecodeDurations(data []byte) ([]time.Duration, error) { return decodeList(data, durationElem) }

// DecodePeople decodes a JSON array of people as EncodePeople writes them;
// nil data is a nil list.
func DecodePeople(data []byte) ([]seminar.Person, error) { return decodeList(data, personElem) }

// DecodeLinks decodes a JSON array of links as EncodeLinks writes them; nil
// data is a nil list.
func DecodeLinks(data []byte) ([]seminar.Link, error) { return decodeList(data, linkElem) }

func durationElem(l *lexer) (time.Duration, bool) {
	n, ok := l.int()
	return time.Duration(n), ok
}

func personElem(l *lexer) (seminar.Person, bool) {
	var p seminar.Person
	ok := l.object(func(key string) *string {
		switch key {
		case "name":
			return &p.Name
		case "affiliation":
			return &p.Affiliation
		case "email":
			return &p.Email
		case "url":
			return &p.URL
		case "photoUrl":
			return &p.PhotoURL
		case "bio":
			return &p.Bio
		}
		return nil
	})
	return p, ok
}

func linkElem(l *lexer) (seminar.Link, bool) {
	var link seminar.Link
	ok := l.object(func(key string) *string {
		switch key {
		case "label":
			return &link.Label
		case "url":
			return &link.URL
		}
		return nil
	})
	return link, ok
}

// decodeList decodes a JSON array with elem, or with json.Unmarshal if elem
// gives up. T must decode from JSON as elem reads it.
func decodeList[T any](data []byte, elem func(*lexer) (T, bool)) ([]T, error) {
	if data == nil {
		return nil, nil
	}
	if list, ok := parseArray(data, elem); ok {
		return list, nil
	}
	return unmarshalList[T](data)
}

// unmarshalList decodes with encoding/json, through the file format's own
// types for people and links.
func unmarshalList[T any](data []byte) ([]T, error) {
	var list []T
	var err error
	switch out := any(&list).(type) {
	case *[]seminar.Person:
		var ps []personJSON
		err = json.Unmarshal(data, &ps)
		if ps != nil {
			*out = make([]seminar.Person, len(ps))
			for i, p := range ps {
				(*out)[i] = seminar.Person(p)
			}
		}
	case *[]seminar.Link:
		var ls []linkJSON
		err = json.Unmarshal(data, &ls)
		if ls != nil {
			*out = make([]seminar.Link, len(ls))
			for i, l := range ls {
				(*out)[i] = seminar.Link(l)
			}
		}
	default:
		err = json.Unmarshal(data, &list)
	}
	if err != nil {
		return nil, err
	}
	return list, nil
}

// parseArray reads a whole JSON array whose elements elem reads.
func parseArray[T any](data []byte, elem func(*lexer) (T, bool)) ([]T, bool) {
	l := &lexer{b: data}
	if !l.next('[') {
		return nil, false
	}
	list := make([]T, 0, 4)
	if !l.next(']') {
		for {
			v, ok := elem(l)
			if !ok {
				return nil, false
			}
			list = append(list, v)
			if l.next(']') {
				break
			}
			if !l.next(',') {
				return nil, false
			}
		}
	}
	l.space()
	return list, l.i == len(l.b)
}

// lexer reads JSON tokens from b.
type lexer struct {
	b []byte
	i int
}

func (l *lexer) space() {
	for l.i < len(l.b) {
		switch l.b[l.i] {
		case ' ', '\t', '\n', '\r':
			l.i++
		default:
			return
		}
	}
}

// next skips white space and then c, reporting whether c was there.
func (l *lexer) next(c byte) bool {
	l.space()
	if l.i < len(l.b) && l.b[l.i] == c {
		l.i++
		return true
	}
	return false
}

// object reads an object whose values are all strings, storing each where
// field says; an unknown key stops it.
func (l *lexer) object(field func(key string) *string) bool {
	if !l.next('{') {
		return false
	}
	if l.next('}') {
		return true
	}
	for {
		key, ok := l.str()
		if !ok || !l.next(':') {
			return false
		}
		dst := field(key)
		if dst == nil {
			return false
		}
		if *dst, ok = l.str(); !ok {
			return false
		}
		if l.next('}') {
			return true
		}
		if !l.next(',') {
			return false
		}
	}
}

// str reads a string.
func (l *lexer) str() (string, bool) {
	if !l.next('"') {
		return "", false
	}
	start := l.i
	for l.i < len(l.b) {
		switch c := l.b[l.i]; {
		case c == '"':
			raw := l.b[start:l.i]
			l.i++
			return string(raw), utf8.Valid(raw)
		case c == '\\':
			return l.escaped(start)
		case c < 0x20:
			return "", false
		default:
			l.i++
		}
	}
	return "", false
}

// escaped reads the rest of a string that started at start and has an
// escape at l.i.
func (l *lexer) escaped(start int) (string, bool) {
	out := make([]byte, 0, l.i-start+16)
	out = append(out, l.b[start:l.i]...)
	for l.i < len(l.b) {
		c := l.b[l.i]
		switch {
		case c == '"':
			l.i++
			return string(out), utf8.Valid(out)
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			l.i++
			continue
		}
		if l.i+1 >= len(l.b) {
			return "", false
		}
		esc := l.b[l.i+1]
		l.i += 2
		switch esc {
		case '"', '\\', '/':
			out = append(out, esc)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if l.i+4 > len(l.b) {
				return "", false
			}
			r, err := strconv.ParseUint(string(l.b[l.i:l.i+4]), 16, 16)
			if err != nil || utf8.RuneLen(rune(r)) < 0 {
				return "", false // not four hex digits, or a surrogate half
			}
			out = utf8.AppendRune(out, rune(r))
			l.i += 4
		default:
			return "", false
		}
	}
	return "", false
}

// int reads an integer: an optional minus and digits, no leading zero, no
// fraction or exponent.
func (l *lexer) int() (int64, bool) {
	l.space()
	start := l.i
	if l.i < len(l.b) && l.b[l.i] == '-' {
		l.i++
	}
	digits := l.i
	for l.i < len(l.b) && '0' <= l.b[l.i] && l.b[l.i] <= '9' {
		l.i++
	}
	switch {
	case l.i == digits:
		return 0, false
	case l.b[digits] == '0' && l.i-digits > 1:
		return 0, false
	case l.i < len(l.b) && (l.b[l.i] == '.' || l.b[l.i] == 'e' || l.b[l.i] == 'E'):
		return 0, false
	}
	n, err := strconv.ParseInt(string(l.b[start:l.i]), 10, 64)
	return n, err == nil
}
