// Command website serves the talks of a seminar database as a web site:
// the upcoming talks, months, series, each talk's page with its .ics and
// JSON, and, for an administrator, the forms that add, edit and cancel
// talks and preview their reminders.
//
//	go run ./examples/quickstart -db seminar.db    # the June 2017 demo talks
//	go run ./examples/website -db seminar.db -addr 127.0.0.1:8080 [-admin-token T]
//
// Without a token the site is read-only. With one (the -admin-token flag,
// or the environment variable SEMINAR_ADMIN_TOKEN, which other users of
// the machine cannot see in the process list), a request carrying it may do
// everything: send it as "Authorization: Bearer T", or sign in at /login,
// which sets a session cookie (HttpOnly, SameSite=Strict, Secure over
// TLS). The token is compared in constant time.
//
// The site previews reminders but does not send them: sending is the job
// of a worker that holds the SMTP settings (see examples/reminders).
//
// # The demo's clock
//
// The home page lists the upcoming talks, and the demo talks are in June
// 2017, so the server's clock starts at -asof, by default 2017-06-10, and
// runs on from there; -asof now uses the real clock, as a real site would.
//
// Stop it with Ctrl-C: requests in progress finish first.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/sqlite"
	"github.com/seminarkit/seminar/web"
)

// config is what the flags set.
type config struct {
	db         string
	asOf       string // a date, or "now"
	zone       string
	name       string
	adminToken string
	baseURL    string
}

func main() {
	var cfg config
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.StringVar(&cfg.db, "db", "seminar.db", "SQLite database file, as examples/quickstart makes it")
	flag.StringVar(&cfg.asOf, "asof", "2017-06-10", `the date the server's clock starts at, or "now" for the real clock`)
	flag.StringVar(&cfg.zone, "zone", "America/New_York", "IANA zone of the calendar: months and listings are read in it")
	flag.StringVar(&cfg.name, "name", "CSAIL Seminars", "the site's name")
	flag.StringVar(&cfg.adminToken, "admin-token", "", "token that authorizes every action (default $SEMINAR_ADMIN_TOKEN); none: read-only")
	flag.StringVar(&cfg.baseURL, "base-url", "", "the site's public URL, for links in JSON and .ics (default http://ADDR/)")
	flag.Parse()
	if cfg.adminToken == "" {
		// Read after parsing, so that -h never prints the token.
		cfg.adminToken = os.Getenv("SEMINAR_ADMIN_TOKEN")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if err := run(ctx, cfg, ln, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// minTokenLen is the shortest admin token accepted: it is a password.
const minTokenLen = 16

// run serves the site of cfg.db on ln until ctx is done, then shuts down
// gracefully. It writes the URL it serves to out.
func run(ctx context.Context, cfg config, ln net.Listener, out io.Writer) error {
	defer ln.Close()
	if _, err := os.Stat(cfg.db); err != nil {
		return fmt.Errorf("website: %w (make it with go run ./examples/quickstart -db %s)", err, cfg.db)
	}
	if cfg.adminToken != "" && len(cfg.adminToken) < minTokenLen {
		return fmt.Errorf("website: the admin token is %d bytes; use at least %d", len(cfg.adminToken), minTokenLen)
	}
	now, err := clock(cfg.asOf)
	if err != nil {
		return err
	}
	store, err := sqlite.Open(context.Background(), cfg.db, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cal, err := seminar.New(store, &seminar.Options{
		Domain:   "csail.mit.edu",
		TimeZone: cfg.zone,
		Now:      now,
		Logger:   logger,
		// The composer the reminder worker's mail.Mailer uses, so that a
		// preview here is what the worker sends.
		Composer: mail.Composer{},
		ICS:      &ical.Attacher{},
		From:     "CSAIL Seminars <seminars@csail.mit.edu>",
	})
	if err != nil {
		return err
	}
	base := cfg.baseURL
	if base == "" {
		base = "http://" + ln.Addr().String() + "/"
	}
	adm := newAdmin(cfg.adminToken)
	site, err := web.New(cal, &web.Options{
		Title:     cfg.name,
		BaseURL:   base,
		Authorize: adm.authorize,
		User:      adm.user,
		Logger:    logger,
		Now:       now,
	})
	if err != nil {
		return err
	}

	mux := http.NewServeMux()
	mux.Handle("/", site)
	if adm != nil {
		mux.HandleFunc("GET /login", adm.serveLogin)
		mux.HandleFunc("POST /login", adm.login)
		mux.HandleFunc("POST /logout", adm.logout)
	}
	// The site refuses cross-origin posts itself; the login form needs
	// the same protection, or another site could sign a visitor in.
	handler := http.NewCrossOriginProtection().Handler(http.MaxBytesHandler(mux, web.DefaultMaxBody))

	fmt.Fprintf(out, "website: serving %s at %s; clock at %s\n", cfg.db, base, now().Format(time.DateTime))
	if adm != nil {
		fmt.Fprintf(out, "website: sign in at %slogin with the admin token\n", base)
	} else {
		fmt.Fprintln(out, "website: read-only (no -admin-token)")
	}

	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// clock returns the server's clock: the real one for "now", and otherwise
// one that starts at midnight UTC of the date and runs on.
func clock(asOf string) (func() time.Time, error) {
	if asOf == "now" {
		return time.Now, nil
	}
	start, err := time.Parse("2006-01-02", asOf)
	if err != nil {
		return nil, fmt.Errorf(`website: -asof %q is neither a date such as 2017-06-10 nor "now"`, asOf)
	}
	offset := time.Until(start)
	return func() time.Time { return time.Now().Add(offset) }, nil
}

// admin authorizes the requests that carry the admin token, as a bearer
// token or through the session cookie that /login sets. A nil *admin (no
// token configured) authorizes nothing.
type admin struct {
	token []byte
	// session is the cookie's value: an HMAC of the token, so that the
	// cookie jar does not hold the token itself.
	session []byte
}

const sessionCookie = "seminar_admin"

var errNotAdmin = errors.New("website: not signed in as the administrator")

func newAdmin(token string) *admin {
	if token == "" {
		return nil
	}
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte("seminar website session"))
	return &admin{token: []byte(token), session: []byte(hex.EncodeToString(mac.Sum(nil)))}
}

func (a *admin) authorized(r *http.Request) bool {
	if a == nil {
		return false
	}
	if bearer, ok := cutBearer(r.Header.Get("Authorization")); ok {
		return subtle.ConstantTimeCompare([]byte(bearer), a.token) == 1
	}
	c, err := r.Cookie(sessionCookie)
	return err == nil && subtle.ConstantTimeCompare([]byte(c.Value), a.session) == 1
}

func cutBearer(header string) (string, bool) {
	if len(header) < 7 || !(header[:7] == "Bearer " || header[:7] == "bearer ") {
		return "", false
	}
	return header[7:], true
}

// authorize is web.Options.Authorize: the administrator may do anything,
// anyone else nothing beyond reading public talks.
func (a *admin) authorize(r *http.Request, _ web.Action, _ *seminar.Event) error {
	if a.authorized(r) {
		return nil
	}
	return errNotAdmin
}

func (a *admin) user(r *http.Request) string {
	if a.authorized(r) {
		return "Administrator"
	}
	return ""
}

var loginPage = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem}
input{font:inherit;width:100%;padding:.4rem;margin:.25rem 0 1rem}button{font:inherit;padding:.4rem 1rem}
.error{color:#9b1c1c;font-weight:600}</style></head>
<body>
<h1>Sign in</h1>
{{if .SignedIn}}<p>You are signed in.</p>
<form method="post" action="logout"><button type="submit">Sign out</button></form>
{{else}}{{if .Failed}}<p class="error" id="login-error">That is not the admin token.</p>{{end}}
<form method="post" action="login">
<label for="token">Admin token</label>
<input type="password" id="token" name="token" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>{{end}}
<p><a href="./">Back to the talks</a></p>
</body></html>
`))

func (a *admin) serveLogin(w http.ResponseWriter, r *http.Request) {
	a.renderLogin(w, http.StatusOK, a.authorized(r), false)
}

func (a *admin) renderLogin(w http.ResponseWriter, status int, signedIn, failed bool) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_ = loginPage.Execute(w, struct{ SignedIn, Failed bool }{signedIn, failed})
}

func (a *admin) login(w http.ResponseWriter, r *http.Request) {
	if subtle.ConstantTimeCompare([]byte(r.PostFormValue("token")), a.token) != 1 {
		a.renderLogin(w, http.StatusForbidden, false, true)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: string(a.session), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
		MaxAge: int((12 * time.Hour).Seconds()),
	})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (a *admin) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
