-- The audit trail: one row per security event, written in the transaction of the change. No foreign keys: the trail
-- outlives the accounts it names. Kept AUDIT_RETENTION_DAYS; each question of the admin list has an index.
CREATE TABLE audit_events (
    id          BIGINT       AUTO_INCREMENT PRIMARY KEY,
    occurred_at DATETIME     NOT NULL,
    type        VARCHAR(40)  NOT NULL,
    outcome     VARCHAR(10)  NOT NULL,
    principal_id VARCHAR(36),
    actor_id    VARCHAR(36),
    ip          VARCHAR(64),
    user_agent  VARCHAR(512),
    request_id  VARCHAR(128),
    detail      VARCHAR(255)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX audit_events_occurred ON audit_events (occurred_at);
CREATE INDEX audit_events_principal ON audit_events (principal_id, id);
CREATE INDEX audit_events_type ON audit_events (type, id);
