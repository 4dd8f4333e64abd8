package ical

import "io"

// WindowsZoneForTest is an entry of the CLDR windowsZones table.
type WindowsZoneForTest struct{ Name, IANA, Label string }

// WindowsZonesForTest returns the table, for tests of the package.
func WindowsZonesForTest() []WindowsZoneForTest {
	out := make([]WindowsZoneForTest, len(windowsZones))
	for i, w := range windowsZones {
		out[i] = WindowsZoneForTest{w.name, w.iana, w.label}
	}
	return out
}

// HTMLTextForTest is the conversion of an HTML description to text.
var HTMLTextForTest = htmlText

// DecodeInBlocksForTest is Decode reading its input in blocks of at most
// block bytes, where Decode reads blocks of a mebibyte.
func DecodeInBlocksForTest(r io.Reader, opts *DecodeOptions, block int) (*Result, error) {
	return decodeBlocks(r, opts, block)
}
