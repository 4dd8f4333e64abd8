package seminar_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

func TestWritePage_seed(t *testing.T) {
	want, err := os.ReadFile("testdata/csail-event.txt")
	require.NoError(t, err)
	e := seedEvent(t)
	e.CreatedAt = seedCreated

	var b strings.Builder
	require.NoError(t, seminar.WritePage(&b, e, nil))

	assert.Equal(t, string(want)+"\n", b.String(), "the page must reproduce the seed page line for line")
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
			want: []string{"Speakers:\nPratik Chaudhari\n, UCLA\nStefano Soatto\n, UCLA\n", "Speaker URL: https://vision.ucla.edu/", "Pratik Chaudhari: Pratik", "Stefano Soatto: Professor."},
		},
		{
			name: "cancelled",
			edit: func(e *seminar.Event) { e.Status = seminar.StatusCancelled; e.CancelReason = "Speaker ill" },
			want: []string{"A picture of the energy landscape of deep neural networks\nCANCELLED: Speaker ill\nSpeaker:"},
		},
		{
			name: "Europe/Berlin in June",
			edit: func(e *seminar.Event) { e.TimeZone = "Europe/Berlin" },
			want: []string{"Time: 10:00 PM to 11:00 PM Note: all times are in Central European Summer Time"},
		},
		{
			name: "zone without an everyday name",
			edit: func(e *seminar.Event) { e.TimeZone = "America/Lima" },
			want: []string{"Time: 3:00 PM to 4:00 PM Note: all times are in America/Lima time"},
		},
		{
			name: "several days",
			edit: func(e *seminar.Event) { e.End = e.Start.Add(49 * time.Hour) },
			want: []string{"Date: Monday, June 12, 2017 to Wednesday, June 14, 2017\nTime: 4:00 PM to 5:00 PM"},
		},
		{
			name: "full location, type, areas and custom subject",
			edit: func(e *seminar.Event) {
				e.Location = seminar.Location{Room: "32-G449", Building: "Stata Center", URL: "https://mit.zoom.us/j/1"}
				e.Type = "Thesis Defense"
				e.ResearchAreas = []string{"AI", "Optimization"}
				e.Reminders.Subject = "[Vision] {{.Title}} ({{.Date}})"
				e.Links = nil
			},
			want: []string{
				"Location: 32-G449, Stata Center, https://mit.zoom.us/j/1\n",
				"Event Type: Thesis Defense\n",
				"Research Areas: AI, Optimization\n",
				"Reminder Subject:\n[Vision] A picture of the energy landscape of deep neural networks (Monday, June 12, 2017)\n",
			},
			not: []string{"arXiv"},
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
			for _, w := range tt.want {
				assert.Contains(t, b.String(), w)
			}
			for _, n := range tt.not {
				assert.NotContains(t, b.String(), n)
			}
		})
	}
}

func TestWritePage_customTemplate(t *testing.T) {
	tmpl, err := seminar.ParsePageTemplate(`{{.Title}} | {{.Date}} | {{.ZoneName}} | {{join .Reminders.Lists ";"}}`)
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, seminar.WritePage(&b, seedEvent(t), tmpl))
	assert.Equal(t, "A picture of the energy landscape of deep neural networks | Monday, June 12, 2017 | Eastern Time | seminars@csail.mit.edu;vision-meeting@csail.mit.edu", b.String())

	_, err = seminar.ParsePageTemplate(`{{.Title`)
	assert.ErrorIs(t, err, seminar.ErrInvalid, "a template that does not parse is refused when loaded")
}
