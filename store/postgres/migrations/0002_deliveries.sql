-- The outbox: one row per message to send. A delivery outlives its event
-- (a cancellation notice is sent after the event is deleted), so event_id
-- references nothing. lead_ns is nanoseconds; NULL stands for a zero time
-- and for a nil list.
CREATE TABLE deliveries (
    id          text COLLATE "C" NOT NULL,
    event_id    text COLLATE "C" NOT NULL,
    kind        text        NOT NULL,
    lead_ns     bigint      NOT NULL,
    sequence    bigint      NOT NULL,
    due_at      timestamptz NOT NULL,
    state       text        NOT NULL,
    recipients  text[],
    attempts    bigint      NOT NULL,
    lease_owner text        NOT NULL,
    lease_until timestamptz,
    message_id  text        NOT NULL,
    last_error  text        NOT NULL,
    refused     text[],
    note        text        NOT NULL,
    sent_at     timestamptz,
    updated_at  timestamptz,
    CONSTRAINT deliveries_pkey PRIMARY KEY (id)
);

-- Deliveries of one event, in the order Deliveries lists them.
CREATE INDEX deliveries_event ON deliveries (event_id, due_at, id);
-- What ClaimDue looks for: due deliveries, and claims whose lease ran out.
CREATE INDEX deliveries_due ON deliveries (due_at, id) WHERE state IN ('pending', 'retry');
CREATE INDEX deliveries_lease ON deliveries (lease_until) WHERE state = 'sending';
