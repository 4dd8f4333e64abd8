package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/seminarkit/seminar"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dbError returns err as the error of a call made with ctx: a unique
// violation becomes seminar.ErrExists, and an error caused by the end of ctx
// also matches ctx.Err(), which SQLite reports only as "interrupted".
func dbError(ctx context.Context, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: the id is taken (%w)", seminar.ErrExists, err)
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return fmt.Errorf("%w: the uid is taken (%w)", seminar.ErrExists, err)
		}
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w (%w)", cerr, err)
	}
	return err
}
