package mail_test

import "strings"

// headerLines returns the lines of raw's top-level header, CRLF removed.
func headerLines(raw []byte) []string {
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	return strings.Split(head, "\r\n")
}

// crlf turns LF line endings into CRLF, the canonical form of text parts.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}
