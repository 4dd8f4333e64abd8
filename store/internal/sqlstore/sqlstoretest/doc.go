// Package sqlstoretest holds the checks that store/sqlite and
// store/postgres both run beyond store/storetest, on what is theirs alone:
// what a migration must make of an older database (each store makes the
// database at the older schema its own way, from MigrationsBefore), and
// the change token that series writes move, which the ChangeTracker
// contract does not ask of every store. Each is written once, here.
package sqlstoretest
