// Package crashtest proves that the reminder outbox survives crashes: its
// tests run a Calendar in a child process, the test binary started again,
// that creates, edits, cancels and deletes talks and dispatches their
// reminders with the real clock to a real SMTP server, and kill it with
// SIGKILL at random moments, restarting it each time; or keep it running
// while its store fails under it (SQLITE_BUSY from a writer holding the
// file's lock, PostgreSQL backends terminated). After a last child that is
// left alone has recovered, they check what a user would see:
//
//   - every event's deliveries agree with its state: a Calendar made
//     afresh repairs nothing, a cancelled talk has no reminder waiting,
//     a deleted one nothing at all;
//   - nothing is left sending, and every reminder and notice that came due
//     went out, unless its talk had started before the outbox recovered;
//   - the lists that got any message about a talk got its current state
//     last: its cancellation, or a message about its current version;
//   - every delivery recorded as sent reached the SMTP server, and a
//     Message-ID the server took more than once was the same message each
//     time, which receivers collapse. The server does take some twice: a
//     crash after the server's reply and before the record of the outcome
//     sends the message again once the lease expires, and SMTP allows no
//     better (see seminar.Calendar.DispatchDue). The tests log how many.
//
// The tests run against SQLite always and against PostgreSQL when
// SEMINAR_POSTGRES_URL names a database they may create schemas in.
// The package holds no code besides its tests.
package crashtest
