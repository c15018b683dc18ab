-- Password reset links: only the token's digest is kept, valid 30 minutes, used once; asking again or using
-- one voids the others.
CREATE TABLE password_resets (
    token_hash CHAR(64) PRIMARY KEY,
    user_id    CHAR(36) NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);
