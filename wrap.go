package seminar

import (
	"strings"
	"unicode/utf8"
)

// wrap breaks the lines of s that are longer than width at spaces, for
// mail readers that do not wrap text themselves, keeping a parenthetical
// that fits on a line whole; the default templates
// wrap at 72 columns, which leaves room for the "> " of a reply within the
// 78 that RFC 5322 recommends. A word longer than width,
// such as a URL, is never broken: it goes on a line of its own. A line that
// needed breaking is set off from its neighbours by a blank line, so that
// the end of a paragraph still shows once its lines are broken; short lines,
// such as those of a list, stay together. Line breaks may be CRLF, CR or
// LF; the result has LF, and runs of blank lines become one.
func wrap(width int, s string) string {
	if fitsAsIs(width, s) {
		return s
	}
	return wrapLines(width, s)
}

// fitsAsIs reports whether wrap leaves s as it is, without the work of
// breaking it into lines and words: s is printable ASCII words separated
// by single spaces, no longer than width. Most lines of a reminder are.
func fitsAsIs(width int, s string) bool {
	if len(s) > width || s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || (c == ' ' && s[i-1] == ' ') {
			return false
		}
	}
	return true
}

// wrapLines is wrap for any s.
func wrapLines(width int, s string) string {
	var out []string
	prevBroken := false
	for _, line := range strings.Split(cleanText(s), "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			if len(out) > 0 && out[len(out)-1] != "" {
				out = append(out, "")
			}
			prevBroken = false
			continue
		}
		lines := wrapLine(width, line)
		broken := len(lines) > 1
		if (broken || prevBroken) && len(out) > 0 && out[len(out)-1] != "" {
			out = append(out, "")
		}
		out = append(out, lines...)
		prevBroken = broken
	}
	return strings.Join(out, "\n")
}

// wrapLine breaks one line into lines of at most width characters where
// its words allow, each continuation keeping the line's indentation.
func wrapLine(width int, line string) []string {
	body := strings.TrimLeft(line, " \t")
	indent := line[:len(line)-len(body)]
	var lines []string
	var b strings.Builder
	n := 0 // characters in b
	for _, word := range units(strings.Fields(body), width-utf8.RuneCountInString(indent)) {
		w := utf8.RuneCountInString(word)
		if n > 0 && n+1+w > width {
			lines = append(lines, b.String())
			b.Reset()
			n = 0
		}
		if n == 0 {
			b.WriteString(indent)
			n = utf8.RuneCountInString(indent)
		} else {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += w
	}
	return append(lines, b.String())
}

// units groups words into the pieces a line may break between: each word,
// except that a parenthetical that fits on a line is kept whole, so that
// "(all times are in Central European Summer Time)" moves to the next line
// rather than leaving "Time)" alone there.
func units(words []string, width int) []string {
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if !strings.HasPrefix(w, "(") || strings.Contains(w, ")") {
			out = append(out, w)
			continue
		}
		j, n := i, utf8.RuneCountInString(w)
		for j+1 < len(words) && !strings.Contains(words[j], ")") && n <= width {
			j++
			n += 1 + utf8.RuneCountInString(words[j])
		}
		if !strings.Contains(words[j], ")") || n > width {
			out = append(out, w)
			continue
		}
		out = append(out, strings.Join(words[i:j+1], " "))
		i = j
	}
	return out
}
