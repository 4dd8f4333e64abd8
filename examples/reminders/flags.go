package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"os"
	"strings"
	"time"

	sendmail "github.com/seminarkit/seminar/mail"
)

// command is what the command line asks for.
type command int

const (
	cmdList command = iota + 1
	cmdPreview
	cmdSend
	cmdDispatch
)

// config is what the flags say.
type config struct {
	db       string
	smtp     string
	user     string
	pass     string
	insecure bool
	// perConn is how many messages -dispatch sends over one SMTP
	// connection.
	perConn int
	from    string
	domain  string
	now     func() time.Time

	cmd   command
	id    string // the talk of -preview and -send
	force bool
}

// passwordEnv holds the SMTP password when -pass is not given.
const passwordEnv = "SEMINAR_SMTP_PASSWORD"

// usageError is a mistake on the command line, found after parsing:
// exit status 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

var (
	// errHelp means -h was asked for and the help was shown.
	errHelp = errors.New("help shown")
	// errUsageShown means the flag package already reported the mistake.
	errUsageShown = errors.New("usage shown")
)

const usageHead = `Usage: reminders -db FILE [-smtp HOST:PORT] [-user U -pass P] [-insecure]
                 [-per-connection N] [-from ADDR] [-domain NAME] [-now RFC3339]
                 (-list | -preview ID | -send ID [-force] | -dispatch)

Previews and sends the reminder emails of the talks in a SQLite database made
by examples/quickstart. -send and -dispatch need -smtp.

`

// parseFlags reads the command line into a config and checks that it
// makes sense, without touching the database or the network.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("reminders", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fs.PrintDefaults()
	}
	c := &config{now: time.Now}
	fs.StringVar(&c.db, "db", "", "SQLite database file, as examples/quickstart makes it (required)")
	fs.StringVar(&c.smtp, "smtp", "", "mail server `HOST:PORT`; needed by -send and -dispatch")
	fs.StringVar(&c.user, "user", "", "user name for SMTP AUTH")
	fs.StringVar(&c.pass, "pass", "", "password for SMTP AUTH (default $"+passwordEnv+", which other users cannot see)")
	fs.BoolVar(&c.insecure, "insecure", false, "allow plaintext SMTP; otherwise STARTTLS is required")
	fs.IntVar(&c.perConn, "per-connection", sendmail.DefaultMessagesPerConnection, "with -dispatch: how many messages to send over one SMTP connection, `N`; 1 for a connection each")
	fs.StringVar(&c.from, "from", "seminars@example.org", "From header and envelope sender")
	fs.StringVar(&c.domain, "domain", "", "domain of UIDs and Message-IDs (default the domain of -from)")
	now := fs.String("now", "", "fixed clock, an `RFC3339` instant, for demonstrations and tests (default the real clock)")
	list := fs.Bool("list", false, "print the talks: ID, start and title, tab-separated")
	previewID := fs.String("preview", "", "print the reminder of the talk `ID` exactly as -send would send it")
	sendID := fs.String("send", "", "send the reminder of the talk `ID` now")
	fs.BoolVar(&c.force, "force", false, "with -send: send the reminder even if it was already sent (as a new message) or its talk has started")
	dispatch := fs.Bool("dispatch", false, "send every reminder that is due, and print how many")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, errHelp
		}
		return nil, errUsageShown
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	given := map[string]bool{"list": *list, "preview": set["preview"], "send": set["send"], "dispatch": *dispatch}
	var cmds []string
	for _, name := range []string{"list", "preview", "send", "dispatch"} {
		if given[name] {
			cmds = append(cmds, "-"+name)
		}
	}
	switch {
	case len(cmds) == 0:
		return nil, errors.New("give one of -list, -preview ID, -send ID and -dispatch")
	case len(cmds) > 1:
		return nil, fmt.Errorf("give one command, not %s", strings.Join(cmds, " and "))
	case *list:
		c.cmd = cmdList
	case set["preview"]:
		c.cmd, c.id = cmdPreview, *previewID
	case set["send"]:
		c.cmd, c.id = cmdSend, *sendID
	default:
		c.cmd = cmdDispatch
	}
	if (c.cmd == cmdPreview || c.cmd == cmdSend) && c.id == "" {
		return nil, fmt.Errorf("%s needs the ID of a talk (see -list)", cmds[0])
	}
	if set["force"] && c.cmd != cmdSend {
		return nil, errors.New("-force goes with -send only")
	}
	if c.perConn < 1 {
		return nil, fmt.Errorf("-per-connection N must be at least 1, not %d", c.perConn)
	}
	if c.db == "" {
		return nil, errors.New("-db FILE is required: the SQLite database, as examples/quickstart makes it")
	}
	if (c.cmd == cmdSend || c.cmd == cmdDispatch) && c.smtp == "" {
		return nil, fmt.Errorf("%s needs -smtp HOST:PORT, the mail server to send through", cmds[0])
	}
	if err := c.checkAuth(); err != nil {
		return nil, err
	}
	if err := c.checkFrom(); err != nil {
		return nil, err
	}
	if *now != "" {
		t, err := time.Parse(time.RFC3339, *now)
		if err != nil {
			return nil, fmt.Errorf("-now %q is not an RFC 3339 instant such as 2017-06-11T21:00:00Z", *now)
		}
		c.now = fixedClock(t)
	}
	return c, nil
}

// checkAuth wants a password with -user, from -pass or else the
// environment, and no -pass without -user.
func (c *config) checkAuth() error {
	if c.user == "" {
		if c.pass != "" {
			return errors.New("-pass without -user: give -user too")
		}
		return nil
	}
	if c.pass == "" {
		c.pass = os.Getenv(passwordEnv)
	}
	if c.pass == "" {
		return fmt.Errorf("-user needs a password: -pass, or $%s", passwordEnv)
	}
	return nil
}

// checkFrom checks -from and takes -domain from it when not given.
func (c *config) checkFrom() error {
	addr, err := mail.ParseAddress(c.from)
	if err != nil || strings.ContainsAny(c.from, "\r\n") {
		return fmt.Errorf("-from %q is not an email address, such as seminars@example.org or \"Seminars <seminars@example.org>\"", c.from)
	}
	if c.domain == "" {
		c.domain = addr.Address[strings.LastIndexByte(addr.Address, '@')+1:]
	}
	return nil
}
