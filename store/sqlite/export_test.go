package sqlite

import (
	"context"
	"database/sql"
	"io/fs"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

// ListSQL returns the query text and parameters List runs for q.
func ListSQL(q seminar.ListQuery) (string, []any) {
	sh := sqlstore.ShapeOf(&q)
	return listSQL(sh), listArgs(&q, sh)
}

// DB returns the database handle of s.
func DB(s *Store) *sql.DB { return s.db }

// Migrate applies the migrations in fsys to db.
func Migrate(ctx context.Context, db *sql.DB, fsys fs.FS) error { return migrate(ctx, db, fsys) }

// Migrations returns the embedded migrations.
func Migrations() fs.FS { return migrations() }

// DSN returns the data source name Open uses for path.
func DSN(path string) string {
	dsn, err := dsnFor(path, defaultBusyTimeout)
	if err != nil {
		panic(err)
	}
	return dsn
}

// ClaimSQL is the statement ClaimDue runs; its parameters are the owner,
// the end of the lease, now and the limit.
var ClaimSQL = claimSQL

// ChangedSQL is the statement Changed runs; its parameters are the mark
// and the limit.
var ChangedSQL = changedSQL

// LastMarkAboveSQL is the statement Changed runs first; its parameter is
// the mark.
var LastMarkAboveSQL = lastMarkAboveSQL
