package seminar

import (
	"time"
)

// Style is how pages and mail write dates and clock times. The zero value
// is the American style of the classic talk page: "Monday, June 12, 2017"
// and "4:00 PM".
type Style struct {
	// Clock24 writes clock times on the 24-hour clock: "16:00".
	Clock24 bool
	// DayFirst writes dates day first: "Monday 12 June 2017".
	DayFirst bool
}

// Date writes t's date as a page shows it, in t's own location:
// "Monday, June 12, 2017", or "Monday 12 June 2017" with DayFirst.
func (s Style) Date(t time.Time) string {
	if s.DayFirst {
		return t.Format("Monday 2 January 2006")
	}
	return t.Format("Monday, January 2, 2006")
}

// ShortDate writes t's date without the weekday: "June 12, 2017", or
// "12 June 2017" with DayFirst.
func (s Style) ShortDate(t time.Time) string {
	if s.DayFirst {
		return t.Format("2 January 2006")
	}
	return t.Format("January 2, 2006")
}

// Clock writes t's time of day: "4:00 PM", or "16:00" with Clock24.
func (s Style) Clock(t time.Time) string {
	if s.Clock24 {
		return t.Format("15:04")
	}
	return t.Format("3:04 PM")
}

// View derives the page text of e in this style; see NewView.
func (s Style) View(e *Event) (*View, error) {
	return s.view(e)
}
