package ical

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
