package seminar

import "errors"

// Sentinel errors. Every error the package returns that matches one of these
// wraps it; test with errors.Is.
var (
	// ErrNotFound means no event has the given ID.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the event changed since it was read: the Version
	// given to Update is no longer the stored one.
	ErrConflict = errors.New("conflict")
	// ErrExists means an event with the same ID or UID is already stored.
	ErrExists = errors.New("already exists")
	// ErrInvalid means the input breaks a rule; a *ValidationError that
	// matches it lists every problem.
	ErrInvalid = errors.New("invalid")
	// ErrCancelled means the operation needs a scheduled event and the event
	// is cancelled.
	ErrCancelled = errors.New("event is cancelled")
	// ErrAlreadySent means the reminder was already sent for this version
	// of the event; SendReminder sends it again only when forced.
	ErrAlreadySent = errors.New("reminder already sent")
	// ErrStarted means a reminder was asked for a talk that has already
	// started; SendReminder sends it only when forced.
	ErrStarted = errors.New("the talk has started")
	// ErrNoMailer means the Calendar was made without Options.Mailer.
	ErrNoMailer = errors.New("calendar has no mailer")
)
