package mail_test

import (
	"net/mail"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// seedAbstract is the seed talk's abstract, as the root renders it.
const seedAbstract = "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning. " +
	"It does not, however, exploit the special structure and geometry of the loss functions we wish to optimize, " +
	"viz. those of deep neural networks. In this talk, we will focus on the geometry of the energy landscape at " +
	"local minima with an aim of understanding the generalization properties of deep networks."

// seedAbstractText is seedAbstract as the root's text template wraps it,
// at 72 columns.
const seedAbstractText = "Stochastic gradient descent (SGD) is the gold standard of optimization\n" +
	"in deep learning. It does not, however, exploit the special structure\n" +
	"and geometry of the loss functions we wish to optimize, viz. those of\n" +
	"deep neural networks. In this talk, we will focus on the geometry of the\n" +
	"energy landscape at local minima with an aim of understanding the\n" +
	"generalization properties of deep networks."

// seedReminder is a reminder like the one the root sends for the seed talk
// (testdata/csail-event.txt at the module root): two lists, a contact to
// reply to, text wrapped at 72 columns, HTML with the abstract on one long
// line, a PUBLISH calendar folded at 75 octets and the list headers.
func seedReminder() *seminar.Message {
	text := "A picture of the energy landscape of deep neural networks\n\n" +
		"Speaker: Pratik Chaudhari (UCLA)\n\n" +
		"Date: Monday, June 12, 2017\nTime: 4:00 PM to 5:00 PM (America/New_York)\n" +
		"Location: 32-D507\n\n" +
		"Abstract:\n" + seedAbstractText + "\n\n" +
		"arXiv: https://arxiv.org/abs/1611.01838\narXiv: https://arxiv.org/abs/1704.04932\n\n" +
		"Host: Bolei Zhou (MIT CSAIL)\nContact: Bolei Zhou, bzhou@csail.mit.edu\n"
	html := "<!DOCTYPE html>\n<html><body>\n<h1>A picture of the energy landscape of deep neural networks</h1>\n" +
		"<p><b>Speaker:</b> Pratik Chaudhari (UCLA)</p>\n<p><b>Date:</b> Monday, June 12, 2017</p>\n" +
		"<p><b>Time:</b> 4:00 PM to 5:00 PM (America/New_York)</p>\n<p><b>Location:</b> 32-D507</p>\n" +
		"<h2>Abstract</h2>\n<p>" + seedAbstract + "</p>\n" +
		"<ul><li><a href=\"https://arxiv.org/abs/1611.01838\">arXiv</a></li>" +
		"<li><a href=\"https://arxiv.org/abs/1704.04932\">arXiv</a></li></ul>\n</body></html>\n"
	ics := strings.Join([]string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//seminarkit//seminar//EN", "METHOD:PUBLISH",
		"BEGIN:VEVENT", "UID:ahk3cvq7j4nqu5bb5gvsryamxq@csail.mit.edu", "DTSTAMP:20170605T200000Z",
		"DTSTART:20170612T200000Z", "DTEND:20170612T210000Z", "SEQUENCE:0", "STATUS:CONFIRMED",
		"SUMMARY:A picture of the energy landscape of deep neural networks", "LOCATION:32-D507",
		"ORGANIZER;CN=Bolei Zhou:mailto:bzhou@csail.mit.edu",
		"DESCRIPTION:Speaker: Pratik Chaudhari (UCLA)\\n\\nStochastic gradient descent",
		"  (SGD) is the gold standard of optimization in deep learning.",
		"END:VEVENT", "END:VCALENDAR", "",
	}, "\r\n")
	return &seminar.Message{
		From:      mail.Address{Name: "MIT CSAIL Seminars", Address: "seminars@csail.mit.edu"},
		To:        []mail.Address{{Address: "seminars@csail.mit.edu"}, {Address: "vision-meeting@csail.mit.edu"}},
		ReplyTo:   &mail.Address{Name: "Bolei Zhou", Address: "bzhou@csail.mit.edu"},
		Subject:   "TALK: A picture of the energy landscape of deep neural networks",
		Date:      time.Date(2017, time.June, 5, 16, 0, 0, 0, time.FixedZone("EDT", -4*3600)),
		MessageID: "ahk3cvq7j4nqu5bb5gvsryamxq.reminder-10080m.s0@csail.mit.edu",
		Text:      text,
		HTML:      html,
		Calendar:  &seminar.CalendarPart{Method: "PUBLISH", Filename: "talk.ics", Data: []byte(ics)},
		Headers: []seminar.Header{
			{Name: "Auto-Submitted", Value: "auto-generated"},
			{Name: "List-Id", Value: "<talks.csail.mit.edu>"},
			{Name: "List-Unsubscribe", Value: "<https://talks.csail.mit.edu/unsubscribe?token=3q2-7w>"},
			{Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click"},
		},
	}
}

// international is seedReminder with non-ASCII in every name, the subject
// and the texts, and a Cc.
func international() *seminar.Message {
	m := seedReminder()
	m.From.Name = "Séminaire de physique théorique, ENS"
	m.To[0].Name = "Équipe « Apprentissage »"
	m.To[1].Name = "Müller, Jürgen"
	m.Cc = []mail.Address{{Name: "王小明", Address: "wang@example.cn"}, {Name: "Ελένη Παπαδοπούλου", Address: "eleni@example.gr"}}
	m.ReplyTo.Name = "Jérôme d'Alembert-Ñúñez"
	m.Subject = "TALK: Über die Energielandschaft tiefer neuronaler Netze — 深層学習 ✓"
	m.Text = "Vortrag: Über die Energielandschaft\nOrt: Salle Jaurès, 45 rue d'Ulm\n"
	m.HTML = "<p>Vortrag: Über die Energielandschaft</p>\n<p>Ort: Salle Jaurès</p>\n"
	m.Headers[1].Value = "Séminaires de l'École <talks.ens.fr>"
	return m
}
