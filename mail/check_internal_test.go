package mail

import (
	"math/rand/v2"
	"net/mail"
	"testing"
)

// checkDotAtomAddr fails t if isDotAtomAddr holds for an address that
// mail.ParseAddress does not read back as the same address without a
// name: checkAddrSpec takes the one for the other.
func checkDotAtomAddr(t *testing.T, addr string) {
	if !isDotAtomAddr(addr) {
		return
	}
	p, err := mail.ParseAddress(addr)
	if err != nil || p.Name != "" || p.Address != addr {
		t.Fatalf("isDotAtomAddr(%q) holds, but mail.ParseAddress gives %v, %v", addr, p, err)
	}
}

func TestIsDotAtomAddr_acceptedByParseAddress(t *testing.T) {
	const alphabet = "aZ09.@!#$%&'*+-/=?^_`{|}~ \"()<>[]:;,\\é"
	r := rand.New(rand.NewPCG(1, 2))
	accepted := 0
	for range 100000 {
		b := make([]byte, 1+r.IntN(12))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		addr := string(b)
		if r.IntN(2) == 0 {
			addr = "jane" + addr + "example.org"
		}
		if isDotAtomAddr(addr) {
			accepted++
		}
		checkDotAtomAddr(t, addr)
	}
	if accepted < 500 {
		t.Fatalf("only %d addresses of the sample are dot-atoms; the test checks too few", accepted)
	}
	for _, addr := range []string{"jane@example.org", "a.b+c@d.e", "@x", "x@", ".a@b", "a.@b", "a..b@c", "a@b@c", "\"a\"@b", "a@[1.2.3.4]"} {
		checkDotAtomAddr(t, addr)
	}
}

func FuzzIsDotAtomAddr(f *testing.F) {
	f.Add("jane@example.org")
	f.Add("a.b+c@d.e")
	f.Fuzz(checkDotAtomAddr)
}
