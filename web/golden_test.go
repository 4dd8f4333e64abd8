package web_test

import (
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/web"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestHandler_eventPagesGolden serves the pages of talks that show every
// part of an event's page (the seed talk; one with every field set and
// characters that each escape differently; a cancelled one; a slot still
// to be announced; a talk online only) to an anonymous visitor, a viewer
// and an admin, and compares them byte for byte with testdata/pages, with
// the talks' random IDs written as ID0, ID1, ...: a change to how pages
// are made must not change what they are.
func TestHandler_eventPagesGolden(t *testing.T) {
	s := newSite(t, &siteOptions{web: web.Options{BaseURL: "https://talks.example.edu/seminars/"}})
	vision := s.vision()
	seed := s.create(seedTalk(t))

	full := seedTalk(t)
	full.UID = "full@csail.mit.edu"
	full.Start, full.End = full.Start.AddDate(0, 0, 1), full.End.AddDate(0, 0, 1)
	full.Title = `Tags <b>bold</b> & "quotes" 'single' + plus — ünïcode`
	full.Type = "Thesis Defense & Party"
	full.Series = vision.ID
	full.Public = false
	full.Speakers = []seminar.Person{
		{Name: "Ada <Lovelace>", Affiliation: "Analytical & Co", URL: "https://example.org/ada?x=1&y=<2>#top",
			PhotoURL: "https://example.org/photos/ada%20lovelace.jpg?s='1'", Bio: "First paragraph.\r\n\r\nSecond, with a <tag> & more."},
		{Name: "Bob + Carol", URL: "HTTPS://EXAMPLE.ORG/Bob+Carol"},
		{Name: "Dan 'D' O'Neil", Affiliation: "ÉTH Zürich", URL: "http://example.com/ü/O'Neil(1)/%41?q=a+b"},
	}
	full.Location = seminar.Location{Room: "32-G449", Building: "Stata <Center>", Address: "32 Vassar St, Cambridge & MA",
		URL: "https://zoom.example/j/123?pwd=a&b=\"c\""}
	full.RoomDescription = "Patil/Kiva, 4th floor"
	full.Host = seminar.Person{Name: "Host O'Hara", Affiliation: "MIT"}
	full.Contact = seminar.Person{Name: "Fay & Co", Email: "contact+seminars@csail.mit.edu"}
	full.Abstract = "One line.\n\nAnother paragraph with <em>markup</em> & \"quotes\".\n\n\n  Third + last.  "
	full.Links = []seminar.Link{
		{Label: "Slides & notes", URL: "https://example.org/slides.pdf"},
		{Label: "Video", URL: "https://example.org/v?id=1&t=2"},
		{Label: "Slides & notes", URL: "https://example.org/notes#part-2"},
		{Label: "Paper", URL: "https://example.org/p?a=<b>&c=\"d\""},
	}
	full.ResearchAreas = []string{"Vision", "Learning & Inference"}
	full.ImpactAreas = []string{"Health <care>"}
	full.Reminders.Subject = "[Talk] {{.Title}}"
	full.CreatedBy = "Ed <ed@example.org>"
	fullTalk := s.create(full)

	cancelled := s.create(talk(t, "A talk called off", 20, 10))
	_, err := s.cal.Cancel(context.Background(), cancelled.ID, "The speaker's flight was cancelled & rebooked <later>.")
	require.NoError(t, err)

	slot := talk(t, "", 27, 11)
	slot.Speakers = nil
	slot.Series = vision.ID
	slot.Slot = slot.Start
	slotTalk := s.create(slot)

	online := talk(t, "Online only", 28, 15)
	online.Location = seminar.Location{URL: "https://meet.example/abc"}
	online.Speakers = []seminar.Person{{Name: "Eve", PhotoURL: "https://example.org/eve.png"}}
	online.End = online.Start.Add(26 * time.Hour)
	onlineTalk := s.create(online)

	ids := []string{seed.ID, fullTalk.ID, cancelled.ID, slotTalk.ID, onlineTalk.ID}
	names := []string{"seed", "full", "cancelled", "slot", "online"}
	for i, id := range ids {
		for _, role := range []string{"", "viewer", "admin"} {
			for _, query := range []string{"", "?saved=1"} {
				if query != "" && role != "admin" {
					continue
				}
				r := s.getPage("/events/"+id+query, role)
				name := names[i] + "-" + strings.Trim(role+"-"+strings.Trim(query, "?=1"), "-")
				if role == "" && query == "" {
					name = names[i] + "-anonymous"
				}
				want := http.StatusOK
				if id == fullTalk.ID && role == "" {
					want = http.StatusNotFound // not public
				}
				assert.Equal(t, want, r.StatusCode, "%s", name)
				body := r.body
				for j, id := range ids {
					body = strings.ReplaceAll(body, id, "ID"+strconv.Itoa(j))
				}
				path := filepath.Join("testdata", "pages", name+".html")
				if *update {
					require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
					require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
					continue
				}
				golden, err := os.ReadFile(path)
				require.NoError(t, err, "%s: run go test -update to write the golden file", name)
				if body != string(golden) {
					t.Errorf("%s: the page differs from %s: %s", name, path, firstDiff(body, string(golden)))
				}
			}
		}
	}
}
