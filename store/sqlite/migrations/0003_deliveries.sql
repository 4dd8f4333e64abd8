-- The outbox: one row per delivery, encoded as events are (instants in
-- INTEGER nanoseconds with the smallest INTEGER for the zero time, lists as
-- JSON arrays with NULL for a nil list).
--
-- No foreign key to events: a cancellation notice must still go out once
-- its event is deleted, and deliveries are the record of what was sent.
CREATE TABLE deliveries (
    id             TEXT    NOT NULL PRIMARY KEY,
    event_id       TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    lead_ns        INTEGER NOT NULL,
    sequence       INTEGER NOT NULL,
    due_ns         INTEGER NOT NULL,
    state          TEXT    NOT NULL,
    recipients     TEXT,
    attempts       INTEGER NOT NULL,
    lease_owner    TEXT    NOT NULL,
    lease_until_ns INTEGER NOT NULL,
    message_id     TEXT    NOT NULL,
    last_error     TEXT    NOT NULL,
    refused        TEXT,
    note           TEXT    NOT NULL,
    sent_ns        INTEGER NOT NULL,
    updated_ns     INTEGER NOT NULL
) STRICT;

-- Deliveries and DropPending read one event's deliveries, in listing order.
CREATE INDEX deliveries_event ON deliveries (event_id, due_ns, id);
-- ClaimDue walks the deliveries waiting to be sent in DueAt order, and
-- stops at the first not yet due; sent, failed and dropped ones, which pile
-- up, are not in the index.
CREATE INDEX deliveries_due ON deliveries (due_ns, id) WHERE state IN ('pending', 'retry');
-- ... and the few being sent, by the end of their lease.
CREATE INDEX deliveries_lease ON deliveries (lease_until_ns) WHERE state = 'sending';
