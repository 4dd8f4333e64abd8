-- Marks order the writes of events, for Outbox.Changed and ChangeToken. The
-- last mark taken is the larger of the highest mark of a stored event and
-- marks.last, the mark the last delete took. The store gives every event it
-- inserts or updates the next mark, in the statement that writes it or, for
-- a batch, in its transaction (see events.go); the trigger below makes
-- every delete raise marks.last to the next mark. SQLite runs one writer at
-- a time, so marks are taken and committed in one order: no reader sees a
-- mark before every lower one has committed or been rolled back.
--
-- A counter in marks raised by a trigger on every insert and update would
-- be simpler, but in modernc.org/sqlite it made a batch Create a third
-- slower; the next mark, found at the end of events_mark, costs a write
-- only its entry there.
CREATE TABLE marks (
    id   INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
) STRICT;
INSERT INTO marks (id, last) VALUES (1, 0);

ALTER TABLE events ADD COLUMN mark INTEGER NOT NULL DEFAULT 0;

-- The events stored before this migration take marks 1 to N, in the order
-- of their UpdatedAt, then ID: Changed from 0 returns them, as it returns
-- every event written later.
UPDATE events SET mark = numbered.n
FROM (SELECT rowid AS r, row_number() OVER (ORDER BY updated_ns, id) AS n FROM events) AS numbered
WHERE events.rowid = numbered.r;

-- Changed walks the events in the order of their marks from a mark on, and
-- the next mark is found at the end.
CREATE INDEX events_mark ON events (mark);

CREATE TRIGGER events_delete_mark AFTER DELETE ON events BEGIN
    UPDATE marks SET last = max(last, coalesce((SELECT max(mark) FROM events), 0), OLD.mark) + 1;
END;
