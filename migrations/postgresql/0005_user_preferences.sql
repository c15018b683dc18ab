-- Each user's preferences: one JSON object, opaque to the service but for its size (at most 64 KiB).
CREATE TABLE user_preferences (
    user_id     UUID      PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    preferences JSONB     NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
