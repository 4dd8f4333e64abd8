-- One row per event. Instants are timestamptz, which PostgreSQL keeps as
-- microseconds since 2000-01-01 UTC whatever the session's TimeZone. Keys
-- use the "C" collation so that they order byte by byte, as Go strings do.
-- Speakers and links are JSON arrays of objects; the other lists are arrays.
-- NULL stands for a nil list.
CREATE TABLE events (
    id                  text COLLATE "C" NOT NULL,
    uid                 text COLLATE "C" NOT NULL,
    title               text        NOT NULL,
    type                text        NOT NULL,
    series              text COLLATE "C" NOT NULL,
    speakers            jsonb,
    host_name           text        NOT NULL,
    host_affiliation    text        NOT NULL,
    host_email          text        NOT NULL,
    host_url            text        NOT NULL,
    host_photo_url      text        NOT NULL,
    host_bio            text        NOT NULL,
    contact_name        text        NOT NULL,
    contact_affiliation text        NOT NULL,
    contact_email       text        NOT NULL,
    contact_url         text        NOT NULL,
    contact_photo_url   text        NOT NULL,
    contact_bio         text        NOT NULL,
    start_at            timestamptz NOT NULL,
    end_at              timestamptz NOT NULL,
    time_zone           text        NOT NULL,
    location_room       text        NOT NULL,
    location_building   text        NOT NULL,
    location_address    text        NOT NULL,
    location_url        text        NOT NULL,
    room_description    text        NOT NULL,
    public              boolean     NOT NULL,
    abstract            text        NOT NULL,
    links               jsonb,
    research_areas      text[],
    impact_areas        text[],
    reminder_lists      text[],
    reminder_subject    text        NOT NULL,
    -- nanoseconds before the start
    reminder_schedule   bigint[],
    status              text        NOT NULL,
    cancel_reason       text        NOT NULL,
    sequence            bigint      NOT NULL,
    version             bigint      NOT NULL,
    created_by          text        NOT NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    CONSTRAINT events_pkey PRIMARY KEY (id),
    CONSTRAINT events_uid_key UNIQUE (uid)
);

-- Every listing is ordered by (start_at, id) and bounded on start_at: see List.
CREATE INDEX events_start ON events (start_at, id);
-- Listings of one series (a series page, its feed) walk that series only.
CREATE INDEX events_series ON events (series, start_at, id);
