package ical_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// A reminder mail attaches the talk as a calendar of one event. Lines end
// in CRLF, as RFC 5545 requires; this example prints them with LF.
func ExampleEncodeEvent() {
	start := time.Date(2017, time.June, 12, 20, 0, 0, 0, time.UTC)
	talk := &seminar.Event{
		UID:      "k3j5x7q2m9@csail.mit.edu",
		Title:    "A picture of the energy landscape of deep neural networks",
		Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA"}},
		Host:     seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL"},
		Contact:  seminar.Person{Name: "Zhou, Bolei", Email: "bzhou@csail.mit.edu"},
		Start:    start,
		End:      start.Add(time.Hour),
		TimeZone: "UTC",
		Location: seminar.Location{Room: "32-D507", Building: "Stata Center"},
		Public:   true,
		Abstract: "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning.",
	}
	var b bytes.Buffer
	err := ical.EncodeEvent(&b, talk, &ical.EncodeOptions{
		Now: func() time.Time { return time.Date(2017, time.June, 9, 14, 10, 0, 0, time.UTC) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(strings.ReplaceAll(b.String(), "\r\n", "\n"))
	// Output:
	// BEGIN:VCALENDAR
	// VERSION:2.0
	// PRODID:-//seminarkit//seminar//EN
	// CALSCALE:GREGORIAN
	// METHOD:PUBLISH
	// BEGIN:VEVENT
	// UID:k3j5x7q2m9@csail.mit.edu
	// DTSTAMP:20170609T141000Z
	// DTSTART:20170612T200000Z
	// DTEND:20170612T210000Z
	// SEQUENCE:0
	// STATUS:CONFIRMED
	// SUMMARY:A picture of the energy landscape of deep neural networks
	// DESCRIPTION:Speaker: Pratik Chaudhari (UCLA)\n\nLocation: 32-D507\, Stata C
	//  enter\n\nAbstract:\nStochastic gradient descent (SGD) is the gold standar
	//  d of optimization in deep learning.\n\nHost: Bolei Zhou (MIT CSAIL)\nConta
	//  ct: Zhou\, Bolei\, bzhou@csail.mit.edu
	// LOCATION:32-D507\, Stata Center
	// CLASS:PUBLIC
	// ORGANIZER;CN="Zhou, Bolei":mailto:bzhou@csail.mit.edu
	// X-SEMINAR-SPEAKER:Pratik Chaudhari\nUCLA
	// X-SEMINAR-HOST:Bolei Zhou\nMIT CSAIL
	// X-SEMINAR-CONTACT:Zhou\, Bolei\n\nbzhou@csail.mit.edu
	// X-SEMINAR-ROOM:32-D507
	// X-SEMINAR-BUILDING:Stata Center
	// X-SEMINAR-ABSTRACT:Stochastic gradient descent (SGD) is the gold standard o
	//  f optimization in deep learning.
	// END:VEVENT
	// END:VCALENDAR
}

// A feed streams its events through one Encoder. The VTIMEZONE of a zone
// is written once, before the first event in it; this example prints the
// outline of the feed.
func ExampleEncoder() {
	zones := &ical.ZoneCache{} // shared by every request's encoder
	enc := ical.NewEncoder(outline{}, &ical.EncodeOptions{
		Name:            "CSAIL Seminars",
		RefreshInterval: 6 * time.Hour,
		Organizer:       seminar.Person{Name: "CSAIL Seminars", Email: "seminars@csail.mit.edu"},
		EventURL:        func(e *seminar.Event) string { return "https://talks.csail.mit.edu/" + e.ID },
		Zones:           zones,
	})
	start := time.Date(2025, time.March, 3, 15, 0, 0, 0, time.UTC)
	for i, zone := range []string{"Europe/Berlin", "America/New_York", "Europe/Berlin"} {
		e := &seminar.Event{
			ID: fmt.Sprint("t", i), UID: fmt.Sprint("t", i, "@csail.mit.edu"), Title: fmt.Sprint("Talk ", i),
			Start: start.AddDate(0, 0, 7*i), End: start.AddDate(0, 0, 7*i).Add(time.Hour), TimeZone: zone,
		}
		if err := enc.Encode(e); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := enc.Close(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// BEGIN:VCALENDAR
	// NAME:CSAIL Seminars
	// X-WR-CALNAME:CSAIL Seminars
	// REFRESH-INTERVAL;VALUE=DURATION:PT6H
	// X-PUBLISHED-TTL:PT6H
	// BEGIN:VTIMEZONE
	// TZID:Europe/Berlin
	// END:VTIMEZONE
	// BEGIN:VEVENT
	// DTSTART;TZID=Europe/Berlin:20250303T160000
	// URL:https://talks.csail.mit.edu/t0
	// ORGANIZER;CN=CSAIL Seminars:mailto:seminars@csail.mit.edu
	// END:VEVENT
	// BEGIN:VTIMEZONE
	// TZID:America/New_York
	// END:VTIMEZONE
	// BEGIN:VEVENT
	// DTSTART;TZID=America/New_York:20250310T110000
	// URL:https://talks.csail.mit.edu/t1
	// ORGANIZER;CN=CSAIL Seminars:mailto:seminars@csail.mit.edu
	// END:VEVENT
	// BEGIN:VEVENT
	// DTSTART;TZID=Europe/Berlin:20250317T160000
	// URL:https://talks.csail.mit.edu/t2
	// ORGANIZER;CN=CSAIL Seminars:mailto:seminars@csail.mit.edu
	// END:VEVENT
	// END:VCALENDAR
}

// outline prints the lines of a calendar that show its structure.
type outline struct{}

func (outline) Write(p []byte) (int, error) {
	inTimezone := false
	for _, line := range strings.Split(string(p), "\r\n") {
		switch {
		case line == "BEGIN:VTIMEZONE":
			inTimezone = true
			fmt.Fprintln(os.Stdout, line)
		case line == "END:VTIMEZONE":
			inTimezone = false
			fmt.Fprintln(os.Stdout, line)
		case inTimezone:
			if strings.HasPrefix(line, "TZID:") {
				fmt.Fprintln(os.Stdout, line)
			}
		case strings.HasPrefix(line, "BEGIN:"), strings.HasPrefix(line, "END:"),
			strings.HasPrefix(line, "NAME"), strings.HasPrefix(line, "X-WR-CALNAME"),
			strings.HasPrefix(line, "REFRESH"), strings.HasPrefix(line, "X-PUBLISHED"),
			strings.HasPrefix(line, "DTSTART"), strings.HasPrefix(line, "URL"), strings.HasPrefix(line, "ORGANIZER"):
			fmt.Fprintln(os.Stdout, line)
		}
	}
	return len(p), nil
}
