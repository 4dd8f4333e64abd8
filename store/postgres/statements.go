package postgres

import (
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

// statements are the SQL texts of a Store, with its schema's table names
// quoted in. pgx prepares each text once per connection and caches it.
type statements struct {
	events      pgx.Identifier // for COPY
	copyColumns []string       // the columns, then mark

	get, getForUpdate, getByUID, insert, update, version, remove string
	getMany, getManyByUID                                        string
	lists                                                        [sqlstore.ListShapes]string

	takeMarks, lockMarks, lastMark, changed string

	addDelivery, getDelivery, deliveries, deliveriesOf, claim, finish, deliveryState, drop string

	// schema keys the advisory locks of series IDs: see seriesLockKey.
	schema string

	getSeries, getSeriesForUpdate, listSeries, lockSeriesID, insertSeries, updateSeries, seriesVersion, removeSeries string
}

func newStatements(schema string) *statements {
	events := table(schema, "events")
	deliveries := table(schema, "deliveries")
	marks := table(schema, "marks")
	selectEvents := "SELECT " + strings.Join(columns, ", ") + " FROM " + events
	// nextMark takes the next mark in a statement that writes one event.
	nextMark := "WITH next AS (UPDATE " + marks + " SET last = last + 1 WHERE id = 1 RETURNING last)\n"
	st := &statements{
		schema:       schema,
		events:       pgx.Identifier{schema, "events"},
		copyColumns:  append(columns[:len(columns):len(columns)], "mark"),
		get:          selectEvents + " WHERE id = $1",
		getForUpdate: selectEvents + " WHERE id = $1 FOR UPDATE",
		getByUID:     selectEvents + " WHERE uid = $1",
		getMany:      selectEvents + " WHERE id = ANY($1)",
		getManyByUID: selectEvents + " WHERE uid = ANY($1)",
		insert: nextMark + "INSERT INTO " + events + " (" + strings.Join(columns, ", ") + ", mark) VALUES (" +
			placeholders(1, len(columns)) + ", (SELECT last FROM next))",
		update:  updateSQL(events, marks),
		version: "SELECT version FROM " + events + " WHERE id = $1",
		// The delete and the count are one statement: the count rises only
		// if an event was deleted.
		remove: "WITH gone AS (DELETE FROM " + events + " WHERE id = $1 RETURNING id)\n" +
			"UPDATE " + marks + " SET last = last + 1 WHERE id = 1 AND EXISTS (SELECT FROM gone)",

		takeMarks: "UPDATE " + marks + " SET last = last + $1 WHERE id = 1 RETURNING last",
		lockMarks: "SELECT last FROM " + marks + " WHERE id = 1 FOR UPDATE",
		lastMark:  "SELECT last FROM " + marks + " WHERE id = 1",
		changed: "SELECT " + strings.Join(columns, ", ") + ", mark FROM " + events +
			" WHERE mark > $1 ORDER BY mark LIMIT $2",

		addDelivery: "INSERT INTO " + deliveries + " (" + strings.Join(deliveryColumns, ", ") + ") VALUES (" +
			placeholders(1, len(deliveryColumns)) + ") ON CONFLICT (id) DO NOTHING",
		getDelivery: "SELECT " + strings.Join(deliveryColumns, ", ") + " FROM " + deliveries + " WHERE id = $1",
		deliveries: "SELECT " + strings.Join(deliveryColumns, ", ") + " FROM " + deliveries +
			" WHERE event_id = $1 ORDER BY due_at, id",
		deliveriesOf: "SELECT " + strings.Join(deliveryColumns, ", ") + " FROM " + deliveries +
			" WHERE event_id = ANY($1) ORDER BY event_id, due_at, id",
		claim:         claimSQL(events, deliveries),
		finish:        finishSQL(deliveries),
		deliveryState: "SELECT state FROM " + deliveries + " WHERE id = $1",
		drop: "UPDATE " + deliveries + " SET state = 'dropped', last_error = $1" +
			" WHERE id = ANY($2) AND state IN ('pending', 'retry')",
	}
	for sh := range sqlstore.ListShapes {
		st.lists[sh] = listSQL(sqlstore.ListShape(sh), selectEvents)
	}
	st.seriesStatements(schema)
	return st
}

// updateSQL returns the statement of Update. It locks the event if it is
// at the expected version, then takes a mark only if it found the event,
// then writes: the version check, the mark and the write are one atomic
// step, and a refused Update takes no mark. The lock comes first, so that
// an Update takes its locks in the order that an Update after a Tx.Get
// does: the event, then the marks.
//
// Parameters: the columns but id, in order, then id and the previous
// version.
func updateSQL(events, marks string) string {
	id, version := "$"+strconv.Itoa(len(columns)), "$"+strconv.Itoa(len(columns)+1)
	return "WITH target AS (SELECT id FROM " + events + " WHERE id = " + id + " AND version = " + version + " FOR UPDATE),\n" +
		"next AS (UPDATE " + marks + " SET last = last + 1 WHERE id = 1 AND EXISTS (SELECT FROM target) RETURNING last)\n" +
		"UPDATE " + events + " AS e SET " + assignments(columns[1:], 1) + ", mark = next.last FROM next" +
		" WHERE e.id = " + id + " AND e.version = " + version
}

// placeholders returns "$from, ..., $(from+n-1)".
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}

// assignments returns "a = $from, b = $(from+1), ...".
func assignments(cols []string, from int) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = $" + strconv.Itoa(from+i))
	}
	return b.String()
}
