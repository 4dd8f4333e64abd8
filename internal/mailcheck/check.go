package mailcheck

import "testing"

// Check reports, as errors of t, every message of raws that does not read
// back cleanly with Parse and, where Debian's python3 is installed, with
// Python's email package: no defect, header lines folded to 78 octets, no
// line over 998, and the subject and sender Go reads.
func Check(t testing.TB, raws [][]byte) {
	t.Helper()
	if len(raws) == 0 {
		return
	}
	parsed := make([]*Message, len(raws))
	for i, raw := range raws {
		m, err := Parse(raw)
		if err != nil {
			t.Errorf("message %d does not read back with net/mail and mime/multipart: %v\n%s", i, err, raw)
			continue
		}
		parsed[i] = m
	}
	if why := PythonMissing(t); why != "" {
		t.Log(why)
		return
	}
	for i, r := range Python(t, raws) {
		if len(r.Defects) > 0 {
			t.Errorf("message %d: Python's email package finds defects: %q", i, r.Defects)
		}
		if r.HeaderMaxLine > 78 {
			t.Errorf("message %d: a header line of %d octets, over the 78 RFC 5322 2.1.1 asks for", i, r.HeaderMaxLine)
		}
		if r.MaxLine > 998 {
			t.Errorf("message %d: a line of %d octets, over the 998 RFC 5322 2.1.1 allows", i, r.MaxLine)
		}
		m := parsed[i]
		if m == nil {
			continue
		}
		if r.Subject != m.Subject {
			t.Errorf("message %d: Python reads the subject %q, Go %q", i, r.Subject, m.Subject)
		}
		if len(r.From) != 1 || r.From[0][0] != m.From[0].Name || r.From[0][1] != m.From[0].Address {
			t.Errorf("message %d: Python reads From as %q, Go as %v", i, r.From, m.From[0])
		}
	}
}
