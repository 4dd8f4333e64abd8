package seminar

// zoneNames gives the everyday names of the zones talks are most often
// announced in (the generic names of CLDR's metazones). Zones not listed are
// named by their IANA name.
var zoneNames = map[string]string{
	"America/New_York": "Eastern", "America/Detroit": "Eastern", "America/Toronto": "Eastern",
	"America/Montreal": "Eastern", "America/Indiana/Indianapolis": "Eastern",
	"America/Kentucky/Louisville": "Eastern", "US/Eastern": "Eastern",
	"America/Chicago": "Central", "America/Winnipeg": "Central", "America/Mexico_City": "Central",
	"US/Central":     "Central",
	"America/Denver": "Mountain", "America/Edmonton": "Mountain", "America/Boise": "Mountain",
	"America/Phoenix": "Mountain", "US/Mountain": "Mountain",
	"America/Los_Angeles": "Pacific", "America/Vancouver": "Pacific", "America/Tijuana": "Pacific",
	"US/Pacific":        "Pacific",
	"America/Anchorage": "Alaska", "Pacific/Honolulu": "Hawaii-Aleutian",
	"America/Halifax": "Atlantic", "America/St_Johns": "Newfoundland",
	"America/Sao_Paulo": "Brasilia",
	"Europe/London":     "Greenwich Mean", "Europe/Dublin": "Greenwich Mean",
	"Europe/Lisbon": "Western European",
	"Europe/Berlin": "Central European", "Europe/Paris": "Central European",
	"Europe/Madrid": "Central European", "Europe/Rome": "Central European",
	"Europe/Amsterdam": "Central European", "Europe/Brussels": "Central European",
	"Europe/Vienna": "Central European", "Europe/Zurich": "Central European",
	"Europe/Stockholm": "Central European", "Europe/Oslo": "Central European",
	"Europe/Copenhagen": "Central European", "Europe/Prague": "Central European",
	"Europe/Warsaw": "Central European", "Europe/Budapest": "Central European",
	"Europe/Athens": "Eastern European", "Europe/Helsinki": "Eastern European",
	"Europe/Bucharest": "Eastern European", "Europe/Sofia": "Eastern European",
	"Europe/Kyiv": "Eastern European", "Europe/Kiev": "Eastern European",
	"Europe/Riga": "Eastern European", "Europe/Tallinn": "Eastern European",
	"Europe/Vilnius": "Eastern European", "Europe/Moscow": "Moscow",
	"Asia/Jerusalem": "Israel", "Asia/Kolkata": "India Standard", "Asia/Calcutta": "India Standard",
	"Asia/Shanghai": "China Standard", "Asia/Hong_Kong": "Hong Kong", "Asia/Singapore": "Singapore Standard",
	"Asia/Tokyo": "Japan Standard", "Asia/Seoul": "Korean Standard",
	"Australia/Sydney": "Australian Eastern", "Australia/Melbourne": "Australian Eastern",
	"Australia/Brisbane": "Australian Eastern", "Australia/Adelaide": "Australian Central",
	"Australia/Darwin": "Australian Central", "Australia/Perth": "Australian Western",
	"Pacific/Auckland": "New Zealand",
}

// ZoneName returns the everyday name of an IANA zone as a page shows it:
// "Eastern Time Zone" for America/New_York, "Central European Time Zone"
// for Europe/Berlin, "UTC" for UTC, and "America/Lima time zone" for a zone
// it has no name for.
func ZoneName(tz string) string {
	switch tz {
	case "UTC", "Etc/UTC", "Etc/GMT", "GMT", "Zulu", "Etc/Zulu", "Universal", "Etc/Universal":
		return "UTC"
	}
	if name, ok := zoneNames[tz]; ok {
		return name + " Time Zone"
	}
	return tz + " time zone"
}

// ZoneNote returns the sentence a page puts after a time:
// "all times are in the Eastern Time Zone".
func ZoneNote(tz string) string {
	name := ZoneName(tz)
	if name == "UTC" {
		return "all times are in UTC"
	}
	return "all times are in the " + name
}
