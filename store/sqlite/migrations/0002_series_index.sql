-- Listings of one series (a series page, its feed) walk that series only.
CREATE INDEX events_series ON events (series, start_ns, id);
