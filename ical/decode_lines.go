package ical

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unsafe"
)

// contentLine is one unfolded line of the input, split as RFC 5545 3.1
// says: NAME;PARAM=VALUE,VALUE:value. Names are upper-cased (they are
// case-insensitive); the value is kept raw, still escaped, because how to
// unescape it depends on the property.
type contentLine struct {
	name   string
	params []param
	value  string
	line   int // the physical line it starts on, from 1
}

// param is one parameter of a content line: its first value, unquoted and
// decoded from the RFC 6868 caret encoding. The others are checked when
// the line is read, and not kept, as no property Decode reads takes more
// than one.
type param struct {
	name  string
	value string
}

// param returns the first value of the named parameter, or "".
func (cl *contentLine) param(name string) string {
	for i := range cl.params {
		if cl.params[i].name == name {
			return cl.params[i].value
		}
	}
	return ""
}

// lineScanner splits a block of the input into unfolded content lines (RFC 5545 3.1:
// a line break followed by one space or tab continues the line), keeping
// the number of the physical line each starts on so that every problem can
// be reported where an editor shows it. Lines end at LF, with or without
// CR: a lone CR inside a line is text that some writers leave in values,
// not a line break.
type lineScanner struct {
	data string
	// buf is data's bytes, which the scanner may write: a folded line is
	// unfolded where it stands, its pieces moved back over the line
	// breaks between them. Only bytes already read are written, and none
	// of a line already returned.
	buf  []byte
	pos  int
	line int // physical lines read so far, of this block and those before
}

// next returns the next non-blank unfolded line and the number of its first
// physical line; ok is false at the end of the input.
func (s *lineScanner) next() (text string, line int, ok bool) {
	for s.pos < len(s.data) {
		line = s.line + 1
		start := s.pos
		text = s.physical()
		if s.pos < len(s.data) && isFoldByte(s.data[s.pos]) {
			w := start + len(text)
			for s.pos < len(s.data) && isFoldByte(s.data[s.pos]) {
				s.pos++
				w += copy(s.buf[w:], s.physical())
			}
			text = ""
			if w > start {
				text = unsafe.String(&s.buf[start], w-start)
			}
		}
		if strings.TrimSpace(text) != "" {
			return text, line, true
		}
	}
	return "", 0, false
}

// physical returns the physical line at pos without its line ending and
// moves past it.
func (s *lineScanner) physical() string {
	rest := s.data[s.pos:]
	i := strings.IndexByte(rest, '\n')
	if i < 0 {
		s.pos = len(s.data)
	} else {
		rest = rest[:i]
		s.pos += i + 1
	}
	s.line++
	if n := len(rest); n > 0 && rest[n-1] == '\r' {
		rest = rest[:n-1]
	}
	return rest
}

func isFoldByte(c byte) bool { return c == ' ' || c == '\t' }

func isNameByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
}

// errNoName is the error of a line that does not start with a property
// name: text that lost its fold, or junk between components.
var errNoName = errors.New("it does not start with a property name")

// parseContentLine splits one unfolded line. Its error says what is wrong
// in words a user can act on; the caller adds the line number.
func parseContentLine(s string, line int) (contentLine, error) {
	cl := contentLine{line: line}
	i := 0
	for i < len(s) && isNameByte(s[i]) {
		i++
	}
	if i == 0 {
		return cl, errNoName
	}
	cl.name = upperASCII(s[:i])
	for i < len(s) && s[i] == ';' {
		p, n, err := parseParam(s, i+1, cl.name)
		if err != nil {
			return cl, err
		}
		cl.params = append(cl.params, p)
		i = n
	}
	if i >= len(s) || s[i] != ':' {
		if len(cl.params) == 0 && (i >= len(s) || s[i] != ';') {
			return cl, fmt.Errorf("%q is not a property (NAME:value); a folded line that lost its leading space?", clip(s))
		}
		return cl, fmt.Errorf("%s has no ':' before its value", cl.name)
	}
	cl.value = s[i+1:]
	return cl, nil
}

// parseParam parses the parameter starting at s[i] (after its ';') and
// returns the index of the byte after it.
func parseParam(s string, i int, prop string) (param, int, error) {
	start := i
	for i < len(s) && isNameByte(s[i]) {
		i++
	}
	if i == start {
		return param{}, 0, fmt.Errorf("%s has an empty parameter name", prop)
	}
	p := param{name: upperASCII(s[start:i])}
	if i >= len(s) || s[i] != '=' {
		return param{}, 0, fmt.Errorf("%s parameter %s has no '='", prop, p.name)
	}
	i++
	for first := true; ; first = false {
		v, n, err := parseParamValue(s, i, p.name == "TZID")
		if err != nil {
			return param{}, 0, fmt.Errorf("%s parameter %s: %w", prop, p.name, err)
		}
		if first {
			p.value = v
		}
		i = n
		if i < len(s) && s[i] == ',' {
			i++
			continue
		}
		return p, i, nil
	}
}

// parseParamValue parses one parameter value at s[i]: a quoted string, or
// text up to the next ',' ';' or ':'. An unquoted TZID may hold ':' (Outlook
// writes TZID=(UTC-05:00) Eastern Time ... unquoted): it runs to the last
// ':' of the line, since a date-time value never holds one.
func parseParamValue(s string, i int, tzid bool) (string, int, error) {
	if i < len(s) && s[i] == '"' {
		end := strings.IndexByte(s[i+1:], '"')
		if end < 0 {
			return "", 0, errors.New("quoted value has no closing '\"'")
		}
		return decodeCaret(s[i+1 : i+1+end]), i + 2 + end, nil
	}
	end := i
	stop := len(s)
	if tzid {
		stop = strings.LastIndexByte(s, ':')
	}
	for end < len(s) {
		c := s[end]
		if c == ';' || c == ',' || (c == ':' && (!tzid || end >= stop)) {
			break
		}
		end++
	}
	return decodeCaret(s[i:end]), end, nil
}

// decodeCaret undoes the RFC 6868 encoding of a parameter value: ^n is a
// line break, ^' a double quote and ^^ a caret; any other caret stays.
func decodeCaret(v string) string {
	if strings.IndexByte(v, '^') < 0 {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '^' || i+1 == len(v) {
			b.WriteByte(v[i])
			continue
		}
		switch v[i+1] {
		case 'n', 'N':
			b.WriteByte('\n')
		case '\'':
			b.WriteByte('"')
		case '^':
			b.WriteByte('^')
		default:
			b.WriteByte('^')
			continue
		}
		i++
	}
	return b.String()
}

// upperASCII upper-cases ASCII letters, returning s itself (no allocation)
// when it has none to change, as names nearly always are.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

// component is one BEGIN/END block with its properties and sub-components.
type component struct {
	name     string
	line     int
	props    []contentLine
	children []*component
	// broken lists lines inside the component that are not content lines
	// (lost folds, bad parameters), found while reading.
	broken []brokenLine
}

// brokenLine is a line that could not be read as a content line. name is
// the property name when one could still be made out.
type brokenLine struct {
	line int
	name string
	err  error
}

// prop returns the first property with the given name, or nil.
func (c *component) prop(name string) *contentLine {
	for i := range c.props {
		if c.props[i].name == name {
			return &c.props[i]
		}
	}
	return nil
}

// uid returns the component's UID as written, or "".
func (c *component) uid() string {
	if p := c.prop("UID"); p != nil {
		return strings.TrimSpace(unescapeText(p.value))
	}
	return ""
}

// exclusive components may not nest in one another: BEGIN:VEVENT inside an
// open VEVENT means the first one lost its END.
var exclusive = map[string]bool{
	"VCALENDAR": true, "VEVENT": true, "VTODO": true, "VJOURNAL": true,
	"VFREEBUSY": true, "VTIMEZONE": true, "VAVAILABILITY": true,
}

// treeBuilder assembles components from content lines, recovering from
// missing and stray END lines so that one bad component costs only itself.
type treeBuilder struct {
	stack []*component
	// props holds, for each depth of the stack, the properties of the
	// component open there; a component gets a slice of its own, made at
	// its size, when it is closed.
	props   [][]contentLine
	roots   []*component
	skipped *skipList
	junk    bool // a line outside every component has been reported
}

func (b *treeBuilder) add(text string, line int) {
	cl, err := parseContentLine(text, line)
	if err != nil {
		b.broken(text, line, err)
		return
	}
	switch cl.name {
	case "BEGIN":
		b.begin(upperASCII(strings.TrimSpace(cl.value)), line)
	case "END":
		b.end(upperASCII(strings.TrimSpace(cl.value)), line)
	default:
		if len(b.stack) == 0 {
			b.outside(line)
			return
		}
		depth := len(b.stack) - 1
		b.props[depth] = append(b.props[depth], cl)
		b.stack[depth].props = b.props[depth]
	}
}

// close gives c, which leaves the stack, a props slice of its own.
func (b *treeBuilder) close(c *component) {
	if len(c.props) > 0 {
		c.props = slices.Clone(c.props)
	}
}

func (b *treeBuilder) broken(text string, line int, err error) {
	if len(b.stack) == 0 {
		b.outside(line)
		return
	}
	name := ""
	if i := strings.IndexAny(text, ";:"); i > 0 && strings.IndexFunc(text[:i], func(r rune) bool {
		return r > 0x7f || !isNameByte(byte(r))
	}) < 0 {
		name = upperASCII(text[:i])
	}
	top := b.stack[len(b.stack)-1]
	top.broken = append(top.broken, brokenLine{line: line, name: name, err: err})
}

// outside reports, once, text outside any component: an HTML error page
// served instead of a calendar, or junk after END:VCALENDAR.
func (b *treeBuilder) outside(line int) {
	if b.junk {
		return
	}
	b.junk = true
	b.skipped.add(Skipped{Line: line, Reason: "text outside BEGIN:VCALENDAR ... END:VCALENDAR is ignored"})
}

func (b *treeBuilder) begin(name string, line int) {
	if exclusive[name] {
		for i, open := range b.stack {
			if exclusive[open.name] && (name == "VCALENDAR" || open.name != "VCALENDAR") {
				b.unclosed(i, line)
				break
			}
		}
	}
	c := &component{name: name, line: line}
	if n := len(b.stack); n > 0 {
		parent := b.stack[n-1]
		parent.children = append(parent.children, c)
	} else {
		b.roots = append(b.roots, c)
	}
	b.stack = append(b.stack, c)
	if len(b.props) < len(b.stack) {
		b.props = append(b.props, nil)
	}
	b.props[len(b.stack)-1] = b.props[len(b.stack)-1][:0]
}

func (b *treeBuilder) end(name string, line int) {
	for i := len(b.stack) - 1; i >= 0; i-- {
		if b.stack[i].name == name {
			if i+1 < len(b.stack) {
				b.unclosed(i+1, line)
			}
			b.close(b.stack[i])
			b.stack = b.stack[:i]
			return
		}
	}
	b.skipped.add(Skipped{Line: line, Component: name, UID: b.uidAt(len(b.stack) - 1),
		Reason: fmt.Sprintf("END:%s has no matching BEGIN; the line is ignored", name)})
}

// unclosed drops the components from stack[i] up, which were never ended
// before line (0: the end of the input): what they hold cannot be trusted
// to be complete. The lowest one is reported; what it holds goes with it.
// A VCALENDAR without its END is kept: its components were each complete.
func (b *treeBuilder) unclosed(i, line int) {
	for k := i; k < len(b.stack); k++ {
		c := b.stack[k]
		if c.name == "VCALENDAR" {
			continue
		}
		list := &b.roots
		if k > 0 {
			list = &b.stack[k-1].children
		}
		if n := len(*list); n > 0 && (*list)[n-1] == c {
			*list = (*list)[:n-1]
		}
		where := fmt.Sprintf("before line %d", line)
		if line == 0 {
			where = "before the end of the input"
		}
		b.skipped.add(Skipped{Line: c.line, Component: c.name, UID: b.uidAt(k),
			Reason: fmt.Sprintf("BEGIN:%s has no END:%s %s; the component is skipped", c.name, c.name, where)})
		break
	}
	for _, c := range b.stack[i:] {
		b.close(c)
	}
	b.stack = b.stack[:i]
}

// uidAt returns the UID of stack[k] or, for a VALARM or PARTICIPANT, of
// the event it belongs to.
func (b *treeBuilder) uidAt(k int) string {
	for ; k >= 0; k-- {
		if uid := b.stack[k].uid(); uid != "" {
			return uid
		}
	}
	return ""
}

// finish ends the input: anything still open lost its END.
func (b *treeBuilder) finish() {
	if len(b.stack) > 0 {
		b.unclosed(0, 0)
	}
}

// buildTree reads the input into its top-level components. It writes the
// blocks it reads (see lineScanner), whose bytes the components then hold.
func buildTree(in *inputReader, skipped *skipList) ([]*component, error) {
	var s lineScanner
	b := treeBuilder{skipped: skipped}
	for {
		block, err := in.next()
		if err != nil {
			return nil, err
		}
		if block == nil {
			break
		}
		s.data, s.buf, s.pos = unsafe.String(unsafe.SliceData(block), len(block)), block, 0
		for {
			text, line, ok := s.next()
			if !ok {
				break
			}
			b.add(text, line)
		}
	}
	b.finish()
	return b.roots, nil
}

// maxSkipped caps Result.Skipped: a 10 MiB file of junk must not give a
// million entries. The last entry then says how many were left out.
const maxSkipped = 1000

// skipList gathers Skipped entries up to maxSkipped.
type skipList struct {
	list    []Skipped
	dropped int
}

func (s *skipList) add(sk Skipped) {
	if len(s.list) < maxSkipped {
		s.list = append(s.list, sk)
		return
	}
	s.dropped++
}

func (s *skipList) result() []Skipped {
	if s.dropped == 0 {
		return s.list
	}
	return append(s.list, Skipped{Reason: fmt.Sprintf("%d more problems are not listed", s.dropped)})
}
