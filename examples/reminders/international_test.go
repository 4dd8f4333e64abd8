package main

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/mailcheck"
	"github.com/seminarkit/seminar/internal/smtptest"
)

// internationalTalk has non-ASCII in every name, the title, the place and
// the abstract.
func internationalTalk(t testing.TB) *seminar.Event {
	e := talk(t, "Über die Krümmung von Möbius-Bändern — 曲率と位相, «ça va?» 🧮", 20, 15)
	e.Series = geometrySeries.ID
	e.Speakers = []seminar.Person{
		{Name: "Zoë Ðorđević-Ñúñez", Affiliation: "Universität Zürich"},
		{Name: "李小龙", Affiliation: "北京大学"},
		{Name: "Σωκράτης Παπαδόπουλος", Affiliation: "Πανεπιστήμιο Αθηνών"},
	}
	e.Host = seminar.Person{Name: "Jürgen Groß", Affiliation: "École normale supérieure"}
	e.Contact = seminar.Person{Name: "Ingrid Ærøskøbing, Ph.D.", Email: "ingrid@csail.mit.edu"}
	e.Location = seminar.Location{Room: "Salle Π-3.14", Building: "Bâtiment Gödel"}
	e.Abstract = "Nous étudions la courbure; 我们研究曲率. Straße, naïve café, 🚀.\nZweiter Absatz: „Anführungszeichen“."
	return e
}

// longTitleTalk has a title of 300 characters, some of them not ASCII.
func longTitleTalk(t testing.TB) *seminar.Event {
	words := []string{"Geometría", "of", "deep", "networks", "and", "the", "énergie", "landscape", "at", "local", "minima"}
	var b strings.Builder
	for i := 0; utf8.RuneCountInString(b.String()) < 300; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[i%len(words)])
	}
	title := string([]rune(b.String())[:300])
	require.Equal(t, 300, utf8.RuneCountInString(title))
	return talk(t, title, 21, 11)
}

// TestRun_internationalMessages sends, with -send and with -dispatch,
// reminders of talks with non-ASCII names and a 300-character title, from a
// sender with a non-ASCII name, and reads every message back with Go and
// with Python's email package: the same subject, names and calendar, and no
// defect. (The test server also checks every message it receives.)
func TestRun_internationalMessages(t *testing.T) {
	intl, long := internationalTalk(t), longTitleTalk(t)
	db, stored := newDB(t, enteredAt, intl, long)
	ts := startServer(t, &smtptest.Options{TLS: smtptest.Plaintext})
	const from = "Séminaires du département d’informatique <seminaires@csail.mit.edu>"
	base := []string{"-db", db, "-smtp", ts.Addr, "-insecure", "-from", from}
	for _, e := range stored {
		r := runCmd(t, append(base, "-now", beforeTalks, "-send", e.ID)...)
		require.Equal(t, exitOK, r.code, r.stderr)
	}
	// June 15, noon: the week-before reminders of both talks are due.
	r := runCmd(t, append(base, "-now", "2017-06-15T16:00:00Z", "-dispatch")...)
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Equal(t, "sent 2, retrying 0, failed 0, dropped 0 (0 past), repaired 0\n", r.stdout)

	got := ts.Received()
	require.Len(t, got, 4)
	raws := make([][]byte, len(got))
	for i, m := range got {
		raws[i] = m.Data
	}
	titles := []string{intl.Title, long.Title, intl.Title, long.Title}
	contacts := []seminar.Person{intl.Contact, long.Contact, intl.Contact, long.Contact}
	for i, m := range got {
		p, err := mailcheck.Parse(m.Data)
		require.NoError(t, err)
		assert.Equal(t, "TALK: "+titles[i], p.Subject, "message %d: Go decodes the subject", i)
		assert.Equal(t, "Séminaires du département d’informatique", p.From[0].Name)
		require.Len(t, p.ReplyTo, 1)
		assert.Equal(t, contacts[i].Name, p.ReplyTo[0].Name)
		text := p.Part("text/plain")
		require.NotNil(t, text)
		assert.Contains(t, strings.Join(strings.Fields(text.Body), " "), strings.Join(strings.Fields(titles[i]), " "),
			"message %d: the text carries the title, wrapped for mail readers", i)
		if i%2 == 0 {
			for _, s := range intl.Speakers {
				assert.Contains(t, text.Body, s.Name, "message %d: the text names every speaker", i)
			}
			assert.Contains(t, text.Body, intl.Host.Name)
		}
		ics := p.Part("text/calendar")
		require.NotNil(t, ics)
		assert.Contains(t, unfold(ics.Body), "SUMMARY:"+escapeText(titles[i])+"\r\n", "message %d: the calendar carries the title", i)
	}

	if why := mailcheck.PythonMissing(t); why != "" {
		t.Skip(why)
	}
	for i, rep := range mailcheck.Python(t, raws) {
		assert.Empty(t, rep.Defects, "message %d", i)
		assert.Equal(t, "TALK: "+titles[i], rep.Subject, "message %d: Python decodes the subject", i)
		assert.Equal(t, [][]string{{"Séminaires du département d’informatique", "seminaires@csail.mit.edu"}}, rep.From)
		assert.Equal(t, [][]string{{contacts[i].Name, contacts[i].Email}}, rep.ReplyTo)
		assert.Equal(t, [][]string{{"", lists[0]}, {"", lists[1]}}, rep.To)
		assert.Equal(t, []string{"multipart/alternative", "text/plain", "text/html", "text/calendar"}, rep.ContentTypes)
		assert.Equal(t, []string{"PUBLISH"}, rep.Methods)
		assert.LessOrEqual(t, rep.HeaderMaxLine, 78, "message %d: header lines are folded", i)
	}
}

// unfold joins iCalendar content lines folded at 75 octets.
func unfold(s string) string {
	return strings.ReplaceAll(s, "\r\n ", "")
}

// escapeText escapes an iCalendar TEXT value (RFC 5545 3.3.11).
func escapeText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}
