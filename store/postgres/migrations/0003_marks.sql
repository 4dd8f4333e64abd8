-- Marks order the writes of events, for Outbox.Changed and ChangeToken. The
-- one row of marks holds the last mark taken. Every write of events takes
-- its marks from that row, in the transaction of the write: each event a
-- Create or Update writes gets a new mark in the column mark, and a Delete
-- raises the count too. Taking a mark locks the row until the transaction
-- ends, so writing transactions commit one at a time in the order of their
-- marks: see Store.Changed.
CREATE TABLE marks (
    id   integer NOT NULL CHECK (id = 1),
    last bigint  NOT NULL,
    CONSTRAINT marks_pkey PRIMARY KEY (id)
);

-- A row written by other means than this package's code keeps mark 0, which
-- Changed never returns.
ALTER TABLE events ADD COLUMN mark bigint NOT NULL DEFAULT 0;

-- The events stored before this migration take marks 1 to N, in the order
-- of their updated_at, and the count goes on from N: Changed from 0 returns
-- them, as it returns every event written later.
UPDATE events SET mark = numbered.n
FROM (SELECT id, row_number() OVER (ORDER BY updated_at, id) AS n FROM events) AS numbered
WHERE events.id = numbered.id;
INSERT INTO marks (id, last) VALUES (1, (SELECT count(*) FROM events));

-- Changed walks the events in the order of their marks, from a mark on.
CREATE INDEX events_mark ON events (mark);
