// Package sqlstore holds what the two SQL stores, store/sqlite and
// store/postgres, share, so that each of them keeps only its dialect and its
// driver:
//
//   - the migrations mechanism: loading the numbered .sql files a store
//     embeds, checking that their versions run 1, 2, 3, ..., applying the
//     missing ones through the store's Schema, the Go steps a file names
//     ("-- step: series_slugs") for what SQL cannot do, and
//     ErrNewerSchema, the one sentinel both stores return for a database
//     a newer program migrated;
//   - the migration of free-text series to series: the IDs the values
//     become (SeriesIDs, with its rule for names that slug alike) and the
//     step that writes them;
//   - the JSON codec of list columns, speakers and links above all: the
//     encoding both stores write and the fast, checked parsers both read
//     with (FuzzListParsers holds them to encoding/json);
//   - the columns of series that both stores write alike, their JSON
//     forms of a series' contact, defaults and plan;
//   - the shapes of list queries: which conditions a seminar.ListQuery
//     needs, the SQL WHERE and ORDER BY text of each shape and its
//     parameters, given a store's Dialect (placeholders, column names, how
//     it encodes a bound);
//   - ClaimDue's argument checks and the order of its result.
//
// It imports the root package and the standard library only: no driver.
// Errors it returns carry no "sqlite:" or "postgres:" prefix; each store
// adds its own, once.
package sqlstore
