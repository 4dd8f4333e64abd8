-- Series: one row per talk series, whose ID is what events.series holds.
-- IDs use the "C" collation, as those of events do. contact, defaults and
-- plan are JSON objects in the forms of store/internal/sqlstore
-- (series.go): '{}' is a zero Contact or zero Defaults, and NULL no Plan.
--
-- A write of a series takes a mark (raises marks.last), as the delete of an
-- event does, so that ChangeToken moves: the pages and feeds of its talks
-- show its name. The store's statements take it, as they take the marks of
-- events.
CREATE TABLE series (
    id          text COLLATE "C" NOT NULL,
    name        text        NOT NULL,
    description text        NOT NULL,
    contact     jsonb       NOT NULL,
    defaults    jsonb       NOT NULL,
    plan        jsonb,
    version     bigint      NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT series_pkey PRIMARY KEY (id)
);

-- The start a talk was planned at (Event.Slot); NULL for a talk not
-- planned. No index: a slot is found by its event's ID, which
-- seminar.SlotID derives from the series and the slot.
ALTER TABLE events ADD COLUMN slot_at timestamptz;

-- Until now events.series held free text. Each distinct non-empty value
-- becomes a series named by it, whose ID the Go step series_slugs makes
-- (sqlstore.SeriesIDs: the value's slug, apart from those of the other
-- values), created and last updated when the first of its talks was
-- created; then the talks hold the ID, and the marks move.
CREATE TABLE series_slugs (
    name text COLLATE "C" NOT NULL,
    id   text COLLATE "C" NOT NULL,
    CONSTRAINT series_slugs_pkey PRIMARY KEY (name),
    CONSTRAINT series_slugs_id_key UNIQUE (id)
);
-- step: series_slugs
INSERT INTO series (id, name, description, contact, defaults, plan, version, created_at, updated_at)
SELECT s.id, s.name, '', '{}', '{}', NULL, 1, min(e.created_at), min(e.created_at)
FROM series_slugs AS s JOIN events AS e ON e.series = s.name
GROUP BY s.id, s.name;
UPDATE events SET series = s.id FROM series_slugs AS s WHERE events.series = s.name AND s.id <> s.name;
UPDATE marks SET last = last + 1 WHERE id = 1 AND EXISTS (SELECT FROM series_slugs);
DROP TABLE series_slugs;
