-- Series: one row per talk series, whose ID is what events.series holds.
-- IDs compare byte by byte (BINARY, SQLite's default collation), as those
-- of events do. contact, defaults and plan are JSON objects in the forms
-- of store/internal/sqlstore (series.go): '{}' is a zero Contact or zero
-- Defaults, and NULL no Plan. Instants are INTEGER nanoseconds, as in
-- events.
CREATE TABLE series (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    contact     TEXT    NOT NULL,
    defaults    TEXT    NOT NULL,
    plan        TEXT,
    version     INTEGER NOT NULL,
    created_ns  INTEGER NOT NULL,
    updated_ns  INTEGER NOT NULL
) STRICT;

-- A write of a series changes ChangeToken, since the pages and feeds of its
-- talks show its name: like the delete of an event, it raises marks.last to
-- the next mark. Changed returns no event for that mark.
CREATE TRIGGER series_insert_mark AFTER INSERT ON series BEGIN
    UPDATE marks SET last = max(last, coalesce((SELECT max(mark) FROM events), 0)) + 1;
END;
CREATE TRIGGER series_update_mark AFTER UPDATE ON series BEGIN
    UPDATE marks SET last = max(last, coalesce((SELECT max(mark) FROM events), 0)) + 1;
END;
CREATE TRIGGER series_delete_mark AFTER DELETE ON series BEGIN
    UPDATE marks SET last = max(last, coalesce((SELECT max(mark) FROM events), 0)) + 1;
END;

-- The start a talk was planned at (Event.Slot), in nanoseconds; NULL for a
-- talk not planned. No index: a slot is found by its event's ID, which
-- seminar.SlotID derives from the series and the slot.
ALTER TABLE events ADD COLUMN slot_ns INTEGER;

-- Until now events.series held free text. Each distinct non-empty value
-- becomes a series named by it, whose ID the Go step series_slugs makes
-- (sqlstore.SeriesIDs: the value's slug, apart from those of the other
-- values), created and last updated when the first of its talks was
-- created; then the talks hold the ID. Making the series takes marks (the
-- triggers above), so ChangeToken moves.
CREATE TABLE series_slugs (
    name TEXT NOT NULL PRIMARY KEY,
    id   TEXT NOT NULL UNIQUE
) STRICT;
-- step: series_slugs
INSERT INTO series (id, name, description, contact, defaults, plan, version, created_ns, updated_ns)
SELECT s.id, s.name, '', '{}', '{}', NULL, 1, min(e.created_ns), min(e.created_ns)
FROM series_slugs AS s JOIN events AS e ON e.series = s.name
GROUP BY s.id, s.name;
UPDATE events SET series = s.id FROM series_slugs AS s WHERE events.series = s.name AND s.id <> s.name;
DROP TABLE series_slugs;
