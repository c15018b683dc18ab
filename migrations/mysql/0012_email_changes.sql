-- Confirmations of a new e-mail address: only the token's digest is kept, with the address it confirms; valid 24
-- hours, used once; asking again or using one voids the others. The address changes only when one is used.
CREATE TABLE email_changes (
    token_hash CHAR(64) PRIMARY KEY,
    user_id    CHAR(36) NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    new_email  VARCHAR(254) NOT NULL,
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX email_changes_user ON email_changes (user_id, created_at);
CREATE INDEX email_changes_expires ON email_changes (expires_at);
