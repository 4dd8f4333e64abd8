package seminar_test

import (
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with the file testdata/name, or rewrites the file
// with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to write %s", path)
	assert.Equal(t, string(want), got, "%s differs; if the change is meant, run go test -update", path)
}

// adminWords are what only editors need; a page or message for people
// never shows them.
var adminWords = []string{"Public", "None", "Reminder", "reminder", "Created by", "Edit Event", "Cancel Event",
	"Send Reminder", "seminars@csail.mit.edu", "vision-meeting@csail.mit.edu", "TALK:"}

// assertReadable checks what a reader of the text of a page or message
// would notice: admin fields, a label with nothing after it, and lines
// longer than a mail reader shows, other than a URL on its own line.
func assertReadable(t *testing.T, text string) {
	t.Helper()
	for _, w := range adminWords {
		assert.NotContains(t, text, w, "the text is for people: no admin field")
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if len([]rune(line)) > 72 {
			assert.Regexp(t, `^https?://\S+$`, line, "line %d is longer than 72 characters and is not a lone URL", i+1)
		}
		if strings.HasSuffix(line, ":") {
			next := ""
			if i+1 < len(lines) {
				next = lines[i+1]
			}
			assert.NotEmpty(t, strings.TrimSpace(next), "the label %q on line %d is empty", line, i+1)
		}
	}
}

func TestWritePage_seed(t *testing.T) {
	e := seedEvent(t)
	e.CreatedAt = seedCreated
	var b strings.Builder
	require.NoError(t, seminar.WritePage(&b, e, nil))
	page := b.String()

	golden(t, "seed-page.txt", page)
	assertReadable(t, page)
	for _, want := range []string{
		"A picture of the energy landscape of deep neural networks\n\nSpeaker: Pratik Chaudhari (UCLA)\n",
		"Date: Monday, June 12, 2017\nTime: 4:00 PM to 5:00 PM (all times are in the Eastern Time Zone)\nLocation: 32-D507\n",
		"arXiv: https://arxiv.org/abs/1611.01838\narXiv: https://arxiv.org/abs/1704.04932\n",
		"Host: Bolei Zhou (MIT CSAIL)\nContact: Bolei Zhou, bzhou@csail.mit.edu\n",
	} {
		assert.Contains(t, page, want)
	}
	flat := strings.Join(strings.Fields(page), " ")
	for _, p := range strings.Split(strings.TrimSpace(strings.ReplaceAll(seedAbstract, "\r", "")), "\n") {
		assert.Contains(t, flat, p, "every paragraph of the abstract is on the page, wrapped")
	}
	assert.Contains(t, flat, seedBio)
	assert.Less(t, strings.Index(page, "Abstract:"), strings.Index(page, "About the speaker:"))
	assert.Less(t, strings.Index(page, "About the speaker:"), strings.Index(page, "arXiv:"))
	assert.Less(t, strings.Index(page, "arXiv:"), strings.Index(page, "Host:"), "reading order: abstract, bio, links, host")
}

// TestWritePage_seedFacts checks the page against the seed page
// (testdata/csail-event.txt): what it shows people is all on ours.
func TestWritePage_seedFacts(t *testing.T) {
	seed, err := os.ReadFile("testdata/csail-event.txt")
	require.NoError(t, err)
	lines := strings.Split(string(seed), "\n")
	after := func(label string) string {
		for i, l := range lines {
			if l == label {
				return lines[i+1]
			}
		}
		t.Fatalf("the seed has no %q", label)
		return ""
	}
	valueOf := func(label string) string {
		for _, l := range lines {
			if v, ok := strings.CutPrefix(l, label); ok {
				return strings.TrimSpace(v)
			}
		}
		t.Fatalf("the seed has no %q", label)
		return ""
	}
	clock, note, _ := strings.Cut(valueOf("Time:"), " Note: ")
	facts := []string{
		lines[6], after("Speaker:"), strings.TrimPrefix(lines[9], ", "), // title, name, affiliation
		valueOf("Date:"), clock, note, valueOf("Location:"),
		after("Abstract:"), lines[slices.Index(lines, "Abstract:")+2], after("Bio:"),
	}
	facts = append(facts, strings.Split(valueOf("arXiv:"), ", ")...)
	facts = append(facts, strings.Split(valueOf("Host:"), ", ")...)
	facts = append(facts, strings.Split(valueOf("Contact:"), ", ")...)

	e := seedEvent(t)
	var b strings.Builder
	require.NoError(t, seminar.WritePage(&b, e, nil))
	flat := strings.Join(strings.Fields(b.String()), " ")
	for _, f := range facts {
		assert.Contains(t, flat, f, "a fact the seed page shows people")
	}
}

func TestWritePage_variants(t *testing.T) {
	tests := []struct {
		name string
		edit func(e *seminar.Event)
		want []string // lines the page must contain
		not  []string // substrings it must not contain
	}{
		{
			name: "several speakers",
			edit: func(e *seminar.Event) {
				e.Speakers = append(e.Speakers, seminar.Person{Name: "Stefano Soatto", Affiliation: "UCLA", URL: "https://vision.ucla.edu/", Bio: "Professor."})
			},
			want: []string{"\nSpeakers:\nPratik Chaudhari (UCLA)\nStefano Soatto (UCLA)\n\n", "Stefano Soatto: https://vision.ucla.edu/\n",
				"About the speakers:\nPratik Chaudhari: Pratik", "Stefano Soatto: Professor."},
		},
		{
			name: "speaker without affiliation",
			edit: func(e *seminar.Event) { e.Speakers[0].Affiliation = "" },
			want: []string{"\nSpeaker: Pratik Chaudhari\n"},
			not:  []string{"()"},
		},
		{
			name: "cancelled",
			edit: func(e *seminar.Event) { e.Status = seminar.StatusCancelled; e.CancelReason = "Speaker ill" },
			want: []string{"CANCELLED: this talk will not take place.\nReason: Speaker ill\n\nA picture of the energy landscape"},
		},
		{
			name: "Europe/Berlin in June",
			edit: func(e *seminar.Event) { e.TimeZone = "Europe/Berlin" },
			want: []string{"Time: 10:00 PM to 11:00 PM\n(all times are in Central European Summer Time)\n"},
		},
		{
			name: "Europe/London in January",
			edit: func(e *seminar.Event) {
				e.Start, e.End = e.Start.AddDate(0, 7, 0), e.End.AddDate(0, 7, 0)
				e.TimeZone = "Europe/London"
			},
			want: []string{"Date: Friday, January 12, 2018\nTime: 9:00 PM to 10:00 PM (all times are in Greenwich Mean Time)\n"},
		},
		{
			name: "zone without an everyday name",
			edit: func(e *seminar.Event) { e.TimeZone = "America/Lima" },
			want: []string{"Time: 3:00 PM to 4:00 PM (all times are in America/Lima time)\n"},
		},
		{
			name: "several days",
			edit: func(e *seminar.Event) { e.End = e.Start.Add(49 * time.Hour) },
			want: []string{"Date: Monday, June 12, 2017 to Wednesday, June 14, 2017\nTime: 4:00 PM to 5:00 PM"},
		},
		{
			name: "full location, type, areas and a long link; a series WritePage cannot name",
			edit: func(e *seminar.Event) {
				e.Location = seminar.Location{Room: "32-G449", Building: "Stata Center", Address: "32 Vassar St, Cambridge, MA 02139", URL: "https://mit.zoom.us/j/1"}
				e.RoomDescription = "Kiva, 4th floor"
				e.Type = "Thesis Defense"
				e.Series = "Vision Seminar"
				e.ResearchAreas = []string{"AI", "Optimization"}
				e.Links = []seminar.Link{{Label: "Slides", URL: "https://example.org/a/long/path/to/the/slides/of/this/talk/past/seventy-two/columns.pdf"}}
			},
			want: []string{
				"Location: 32-G449, Stata Center, 32 Vassar St, Cambridge, MA 02139\nOnline: https://mit.zoom.us/j/1\nRoom: Kiva, 4th floor\n",
				"\nSlides:\nhttps://example.org/a/long/path/to/the/slides/of/this/talk/past/seventy-two/columns.pdf\n",
				"Event type: Thesis Defense\nResearch areas: AI, Optimization\n",
			},
			not: []string{"arXiv", "Series", "Vision Seminar"},
		},
		{
			name: "only a title and a time",
			edit: func(e *seminar.Event) {
				*e = seminar.Event{Title: e.Title, Start: e.Start, End: e.End, TimeZone: e.TimeZone}
			},
			want: []string{"A picture of the energy landscape of deep neural networks\n\nDate: Monday, June 12, 2017\nTime: 4:00 PM to 5:00 PM (all times are in the Eastern Time Zone)\n"},
			not:  []string{"Speaker", "Location", "Abstract", "Host", "Contact", "\n\n\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := seedEvent(t)
			e.CreatedAt = seedCreated
			tt.edit(e)
			require.NoError(t, e.Validate())
			var b strings.Builder
			require.NoError(t, seminar.WritePage(&b, e, nil))
			assertReadable(t, b.String())
			for _, w := range tt.want {
				assert.Contains(t, b.String(), w)
			}
			for _, n := range tt.not {
				assert.NotContains(t, b.String(), n)
			}
		})
	}
}

func TestStyle_WritePage(t *testing.T) {
	var b strings.Builder
	require.NoError(t, seminar.Style{Clock24: true, DayFirst: true}.WritePage(&b, seedEvent(t), nil))
	assert.Contains(t, b.String(), "Date: Monday 12 June 2017\nTime: 16:00 to 17:00 (all times are in the Eastern Time Zone)\n")

	b.Reset()
	require.NoError(t, seminar.WritePage(&b, seedEvent(t), nil))
	assert.Contains(t, b.String(), "Date: Monday, June 12, 2017\nTime: 4:00 PM to 5:00 PM", "WritePage writes the default style")
}

func TestWritePage_customTemplate(t *testing.T) {
	tmpl, err := seminar.ParsePageTemplate(`{{.Title}} | {{.Date}} | {{.ZoneName}} | {{join .Reminders.Lists ";"}} | {{join .SpeakerLines ";"}}`)
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, seminar.WritePage(&b, seedEvent(t), tmpl))
	assert.Equal(t, "A picture of the energy landscape of deep neural networks | Monday, June 12, 2017 | Eastern Time | seminars@csail.mit.edu;vision-meeting@csail.mit.edu | Pratik Chaudhari (UCLA)", b.String(),
		"a custom template may show what the default leaves out")

	tmpl, err = seminar.ParsePageTemplate(`{{wrap 20 .Title}}`)
	require.NoError(t, err)
	b.Reset()
	require.NoError(t, seminar.WritePage(&b, seedEvent(t), tmpl))
	assert.Equal(t, "A picture of the\nenergy landscape of\ndeep neural networks", b.String(), "templates may call wrap")

	_, err = seminar.ParsePageTemplate(`{{.Title`)
	assert.ErrorIs(t, err, seminar.ErrInvalid, "a template that does not parse is refused when loaded")
}

func TestParsePageTemplate_wrap(t *testing.T) {
	tmpl, err := seminar.ParsePageTemplate(`{{wrap 30 .Abstract}}`)
	require.NoError(t, err)
	tests := []struct{ name, in, want string }{
		{"short lines stay as they are", "We cover:\n- one\n- two", "We cover:\n- one\n- two"},
		{"a long paragraph breaks at spaces and is set off by a blank line",
			"First paragraph that is long enough to break.\nSecond one, also long enough to break.\nshort",
			"First paragraph that is long\nenough to break.\n\nSecond one, also long enough\nto break.\n\nshort"},
		{"a URL is never broken: it goes on its own line",
			"Slides: https://example.org/slides/of/the/talk.pdf today",
			"Slides:\nhttps://example.org/slides/of/the/talk.pdf\ntoday"},
		{"a parenthetical that fits is kept whole", "Time: 4:00 PM (Central European Time)",
			"Time: 4:00 PM\n(Central European Time)"},
		{"CRLF and runs of blank lines", "a\r\n\r\n\r\nb\rc", "a\n\nb\nc"},
		{"indentation is kept on continuations", "  an indented line that is long enough",
			"  an indented line that is\n  long enough"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := seedEvent(t)
			e.Abstract = tt.in
			var b strings.Builder
			require.NoError(t, seminar.WritePage(&b, e, tmpl))
			assert.Equal(t, tt.want, b.String())
		})
	}
}
