package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/seminarkit/seminar"
)

// uniqueViolation is the SQLSTATE of a unique or primary key violation.
const uniqueViolation = "23505"

// dbError returns err as the error of a call made with ctx: a unique
// violation becomes seminar.ErrExists, and an error caused by the end of ctx
// also matches ctx.Err().
func dbError(ctx context.Context, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == uniqueViolation {
		switch pe.ConstraintName {
		case "events_pkey", "series_pkey":
			return fmt.Errorf("%w: the id is taken (%w)", seminar.ErrExists, err)
		case "events_uid_key":
			return fmt.Errorf("%w: the uid is taken (%w)", seminar.ErrExists, err)
		}
		return fmt.Errorf("%w (%w)", seminar.ErrExists, err)
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w (%w)", cerr, err)
	}
	return err
}
