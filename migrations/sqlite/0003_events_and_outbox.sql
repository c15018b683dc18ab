-- The events catalogue and the transactional outbox.
CREATE TABLE events (
    id              INTEGER      PRIMARY KEY AUTOINCREMENT,
    name            VARCHAR(255) NOT NULL,
    event_date      TIMESTAMP    NOT NULL,
    venue_name      VARCHAR(255) NOT NULL,
    total_seats     INTEGER      NOT NULL,
    available_seats INTEGER      NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    sale_start_time TIMESTAMP    NOT NULL,
    created_at      TIMESTAMP    NOT NULL,
    updated_at      TIMESTAMP    NOT NULL,
    CHECK (available_seats >= 0 AND available_seats <= total_seats)
);
-- A page of 20 sorted by date, with or without a status filter, reads 20 index entries.
CREATE INDEX events_date ON events (event_date, id);
CREATE INDEX events_status_date ON events (status, event_date, id);

CREATE TABLE outbox (
    id             INTEGER     PRIMARY KEY AUTOINCREMENT,
    aggregate_type VARCHAR(32) NOT NULL,
    aggregate_id   VARCHAR(64) NOT NULL,
    event_type     VARCHAR(64) NOT NULL,
    payload        TEXT        NOT NULL,
    processed      BOOLEAN     NOT NULL DEFAULT 0,
    created_at     TIMESTAMP   NOT NULL,
    processed_at   TIMESTAMP
);
CREATE INDEX outbox_unprocessed ON outbox (processed, id);
