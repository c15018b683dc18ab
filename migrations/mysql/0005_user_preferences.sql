-- Each user's preferences: one JSON object, opaque to the service but for its size (at most 64 KiB).
-- A FOREIGN KEY clause, not an inline REFERENCES: MySQL ignores the inline form.
CREATE TABLE user_preferences (
    user_id     CHAR(36) PRIMARY KEY,
    preferences JSON     NOT NULL,
    updated_at  DATETIME NOT NULL,
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
