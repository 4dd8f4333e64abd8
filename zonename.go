package seminar

import (
	"fmt"
	"strings"
	"time"
)

// genericZones are the zones whose everyday name stays the same all year,
// as people in the United States and Canada say it: "Eastern Time", not
// "Eastern Daylight Time" in June. The names are CLDR's generic metazone
// names.
var genericZones = map[string]string{
	"America/New_York": "Eastern", "America/Detroit": "Eastern", "America/Toronto": "Eastern",
	"America/Montreal": "Eastern", "America/Indiana/Indianapolis": "Eastern",
	"America/Kentucky/Louisville": "Eastern", "US/Eastern": "Eastern", "Canada/Eastern": "Eastern",
	"America/Chicago": "Central", "America/Winnipeg": "Central", "America/Mexico_City": "Central",
	"US/Central": "Central", "Canada/Central": "Central",
	"America/Denver": "Mountain", "America/Edmonton": "Mountain", "America/Boise": "Mountain",
	"America/Phoenix": "Mountain", "US/Mountain": "Mountain", "US/Arizona": "Mountain", "Canada/Mountain": "Mountain",
	"America/Los_Angeles": "Pacific", "America/Vancouver": "Pacific", "America/Tijuana": "Pacific",
	"US/Pacific": "Pacific", "Canada/Pacific": "Pacific",
	"America/Anchorage": "Alaska", "US/Alaska": "Alaska",
	"Pacific/Honolulu": "Hawaii-Aleutian", "US/Hawaii": "Hawaii-Aleutian",
	"America/Halifax": "Atlantic", "Canada/Atlantic": "Atlantic",
	"America/St_Johns": "Newfoundland", "Canada/Newfoundland": "Newfoundland",
}

// specificZones are the zones named for the time in force, standard or
// summer, as people there say it: Europe/London is "Greenwich Mean Time" in
// January and "British Summer Time" in July. Each names a group of
// offsetNames.
var specificZones = map[string]string{
	"Europe/London": "GB", "Europe/Belfast": "GB", "Europe/Guernsey": "GB", "Europe/Jersey": "GB",
	"Europe/Isle_of_Man": "GB", "Europe/Dublin": "IE",
	"Europe/Lisbon": "WE", "Atlantic/Madeira": "WE", "Atlantic/Canary": "WE", "Atlantic/Faroe": "WE",
	"Europe/Berlin": "CE", "Europe/Paris": "CE", "Europe/Madrid": "CE", "Europe/Rome": "CE",
	"Europe/Amsterdam": "CE", "Europe/Brussels": "CE", "Europe/Luxembourg": "CE", "Europe/Monaco": "CE",
	"Europe/Vienna": "CE", "Europe/Zurich": "CE", "Europe/Stockholm": "CE", "Europe/Oslo": "CE",
	"Europe/Copenhagen": "CE", "Europe/Prague": "CE", "Europe/Bratislava": "CE",
	"Europe/Warsaw": "CE", "Europe/Budapest": "CE", "Europe/Ljubljana": "CE", "Europe/Zagreb": "CE",
	"Europe/Belgrade": "CE", "Europe/Malta": "CE", "Europe/Andorra": "CE",
	"Europe/Athens": "EE", "Europe/Helsinki": "EE", "Europe/Bucharest": "EE", "Europe/Sofia": "EE",
	"Europe/Kyiv": "EE", "Europe/Kiev": "EE", "Europe/Riga": "EE", "Europe/Tallinn": "EE",
	"Europe/Vilnius": "EE", "Europe/Chisinau": "EE", "Asia/Nicosia": "EE", "Europe/Nicosia": "EE",
	"Europe/Moscow": "MSK", "Asia/Jerusalem": "IL", "Asia/Tel_Aviv": "IL",
	"Asia/Kolkata": "IN", "Asia/Calcutta": "IN", "Asia/Shanghai": "CN", "Asia/Hong_Kong": "HK",
	"Asia/Singapore": "SG", "Asia/Tokyo": "JP", "Asia/Seoul": "KR",
	"America/Panama": "EST", "America/Cancun": "EST", "America/Jamaica": "EST",
	"Australia/Sydney": "AE", "Australia/Melbourne": "AE", "Australia/Brisbane": "AE",
	"Australia/Hobart": "AE", "Australia/Canberra": "AE",
	"Australia/Adelaide": "AC", "Australia/Darwin": "AC", "Australia/Perth": "AW",
	"Pacific/Auckland": "NZ", "America/Sao_Paulo": "BR",
}

// offsetNames names each UTC offset, in seconds east, of a group of
// specificZones. The offset decides, not the zone's daylight-saving flag:
// Ireland's winter time is, in the zone database, a negative summer time.
// An offset not listed (the double summer time of the 1940s, say) gets the
// fallback name.
var offsetNames = map[string]map[int]string{
	"GB":  {0: "Greenwich Mean Time", 3600: "British Summer Time"},
	"IE":  {0: "Greenwich Mean Time", 3600: "Irish Standard Time"},
	"WE":  {0: "Western European Time", 3600: "Western European Summer Time"},
	"CE":  {3600: "Central European Time", 7200: "Central European Summer Time"},
	"EE":  {7200: "Eastern European Time", 10800: "Eastern European Summer Time"},
	"MSK": {10800: "Moscow Standard Time", 14400: "Moscow Standard Time"},
	"IL":  {7200: "Israel Standard Time", 10800: "Israel Daylight Time"},
	"IN":  {19800: "India Standard Time"},
	"CN":  {28800: "China Standard Time"},
	"HK":  {28800: "Hong Kong Standard Time", 32400: "Hong Kong Summer Time"},
	"SG":  {28800: "Singapore Standard Time"},
	"JP":  {32400: "Japan Standard Time"},
	"KR":  {32400: "Korean Standard Time"},
	"EST": {-18000: "Eastern Standard Time"},
	"AE":  {36000: "Australian Eastern Standard Time", 39600: "Australian Eastern Daylight Time"},
	"AC":  {34200: "Australian Central Standard Time", 37800: "Australian Central Daylight Time"},
	"AW":  {28800: "Australian Western Standard Time", 32400: "Australian Western Daylight Time"},
	"NZ":  {43200: "New Zealand Standard Time", 46800: "New Zealand Daylight Time"},
	"BR":  {-10800: "Brasilia Standard Time", -7200: "Brasilia Summer Time"},
}

// ZoneNameAt returns the everyday name of the IANA zone tz as it is at the
// instant t, which is what a page or reminder about a talk at t shows:
//
//   - "Eastern Time" for America/New_York, all year: in the United States
//     and Canada the generic name is the everyday one;
//   - "British Summer Time" for Europe/London in July and "Greenwich Mean
//     Time" in January; "Central European Summer Time" for Europe/Berlin
//     in July; "Australian Eastern Daylight Time" for Australia/Sydney in
//     January;
//   - "UTC" for UTC, and "UTC-05:00" for a fixed offset such as Etc/GMT+5
//     (whose sign the zone database inverts);
//   - "America/Lima time" for a zone it has no name for.
func ZoneNameAt(tz string, t time.Time) string {
	name, _ := zoneNameAt(tz, t)
	return name
}

// ZoneNoteAt returns the sentence a page puts after the time of a talk at
// t: "all times are in the Eastern Time Zone", "all times are in British
// Summer Time", "all times are in UTC".
func ZoneNoteAt(tz string, t time.Time) string {
	name, generic := zoneNameAt(tz, t)
	if generic {
		return "all times are in the " + name + " Zone"
	}
	return "all times are in " + name
}

// zoneNameAt returns ZoneNameAt and whether the name is a generic one,
// which a note calls "the Eastern Time Zone".
func zoneNameAt(tz string, t time.Time) (string, bool) {
	if isUTC(tz) {
		return "UTC", false
	}
	if name, ok := genericZones[tz]; ok {
		return name + " Time", true
	}
	loc, err := loadZone(tz)
	if err != nil {
		return tz + " time", false
	}
	_, offset := t.In(loc).Zone()
	if group, ok := specificZones[tz]; ok {
		if name, ok := offsetNames[group][offset]; ok {
			return name, false
		}
	}
	if strings.HasPrefix(tz, "Etc/") {
		return utcOffset(offset), false
	}
	return tz + " time", false
}

// isUTC reports whether tz is UTC itself, under any of its names.
func isUTC(tz string) bool {
	switch tz {
	case "UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu",
		"Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Etc/Greenwich", "GMT":
		return true
	}
	return false
}

// utcOffset writes an offset in seconds east as "UTC+05:30".
func utcOffset(offset int) string {
	sign := '+'
	if offset < 0 {
		sign, offset = '-', -offset
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, offset/3600, offset/60%60)
}
