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
	events pgx.Identifier // for COPY

	get, getByUID, insert, update, version, remove string
	lists                                          [sqlstore.ListShapes]string

	addDelivery, getDelivery, deliveries, claim, finish, deliveryState, drop string
}

func newStatements(schema string) statements {
	events := table(schema, "events")
	deliveries := table(schema, "deliveries")
	selectEvents := "SELECT " + strings.Join(columns, ", ") + " FROM " + events
	st := statements{
		events:   pgx.Identifier{schema, "events"},
		get:      selectEvents + " WHERE id = $1",
		getByUID: selectEvents + " WHERE uid = $1",
		insert: "INSERT INTO " + events + " (" + strings.Join(columns, ", ") + ") VALUES (" +
			placeholders(1, len(columns)) + ")",
		// The version check and the write are one statement: of two
		// instances updating the same version, the second finds no row.
		update: "UPDATE " + events + " SET " + assignments(columns[1:], 1) +
			" WHERE id = $" + strconv.Itoa(len(columns)) + " AND version = $" + strconv.Itoa(len(columns)+1),
		version: "SELECT version FROM " + events + " WHERE id = $1",
		remove:  "DELETE FROM " + events + " WHERE id = $1",

		addDelivery: "INSERT INTO " + deliveries + " (" + strings.Join(deliveryColumns, ", ") + ") VALUES (" +
			placeholders(1, len(deliveryColumns)) + ") ON CONFLICT (id) DO NOTHING",
		getDelivery: "SELECT " + strings.Join(deliveryColumns, ", ") + " FROM " + deliveries + " WHERE id = $1",
		deliveries: "SELECT " + strings.Join(deliveryColumns, ", ") + " FROM " + deliveries +
			" WHERE event_id = $1 ORDER BY due_at, id",
		claim:         claimSQL(events, deliveries),
		finish:        finishSQL(deliveries),
		deliveryState: "SELECT state FROM " + deliveries + " WHERE id = $1",
		drop: "UPDATE " + deliveries + " SET state = 'dropped', last_error = $2" +
			" WHERE event_id = $1 AND state IN ('pending', 'retry') AND kind = ANY($3)",
	}
	for sh := range sqlstore.ListShapes {
		st.lists[sh] = listSQL(sqlstore.ListShape(sh), selectEvents)
	}
	return st
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
