package postgres

import (
	"context"
	"io/fs"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Migrate applies the migrations in fsys to schema.
func Migrate(ctx context.Context, pool *pgxpool.Pool, schema string, fsys fs.FS) error {
	return migrate(ctx, pool, schema, fsys, slog.New(slog.DiscardHandler))
}

// Migrations returns the embedded migrations.
func Migrations() fs.FS { return migrations() }
