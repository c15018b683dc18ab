-- The events catalogue and the transactional outbox.
CREATE TABLE events (
    id              BIGINT       AUTO_INCREMENT PRIMARY KEY,
    name            VARCHAR(255) NOT NULL,
    event_date      DATETIME     NOT NULL,
    venue_name      VARCHAR(255) NOT NULL,
    total_seats     INTEGER      NOT NULL,
    available_seats INTEGER      NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    sale_start_time DATETIME     NOT NULL,
    created_at      DATETIME     NOT NULL,
    updated_at      DATETIME     NOT NULL,
    CHECK (available_seats >= 0 AND available_seats <= total_seats)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- A page of 20 sorted by date, with or without a status filter, reads 20 index entries.
CREATE INDEX events_date ON events (event_date, id);
CREATE INDEX events_status_date ON events (status, event_date, id);

CREATE TABLE outbox (
    id             BIGINT      AUTO_INCREMENT PRIMARY KEY,
    aggregate_type VARCHAR(32) NOT NULL,
    aggregate_id   VARCHAR(64) NOT NULL,
    event_type     VARCHAR(64) NOT NULL,
    payload        JSON        NOT NULL,
    processed      BOOLEAN     NOT NULL DEFAULT 0,
    created_at     DATETIME    NOT NULL,
    processed_at   DATETIME
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX outbox_unprocessed ON outbox (processed, id);
