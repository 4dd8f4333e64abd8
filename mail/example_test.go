package mail_test

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
	smail "github.com/seminarkit/seminar/mail"
)

// ExampleCompose shows the header Compose writes for a non-ASCII subject
// and sender: encoded word by word and folded under 78 octets.
func ExampleCompose() {
	raw, err := smail.Compose(&seminar.Message{
		From:      mail.Address{Name: "Séminaire de physique", Address: "seminaire@example.org"},
		To:        []mail.Address{{Address: "physique@lists.example.org"}},
		Subject:   "TALK: Über die Energielandschaft tiefer neuronaler Netze und die Verallgemeinerung",
		Date:      time.Date(2017, time.June, 5, 16, 0, 0, 0, time.UTC),
		MessageID: "talk-42.reminder-10080m.s0@example.org",
		Text:      "Über die Energielandschaft\n",
		Headers:   []seminar.Header{{Name: "Auto-Submitted", Value: "auto-generated"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	fmt.Println(strings.ReplaceAll(head, "\r\n", "\n"))
	// Output:
	// Date: Mon, 05 Jun 2017 16:00:00 +0000
	// From: =?utf-8?q?S=C3=A9minaire?= de physique <seminaire@example.org>
	// To: <physique@lists.example.org>
	// Subject: TALK: =?utf-8?b?w5xiZXI=?= die Energielandschaft tiefer neuronaler
	//  Netze und die Verallgemeinerung
	// Message-ID: <talk-42.reminder-10080m.s0@example.org>
	// Auto-Submitted: auto-generated
	// MIME-Version: 1.0
	// Content-Type: text/plain; charset=utf-8
	// Content-Transfer-Encoding: quoted-printable
}
