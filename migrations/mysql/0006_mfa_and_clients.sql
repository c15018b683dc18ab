-- TOTP MFA and clients (users created through /api/v1/clients), and the short-lived
-- secrets that prove something about an account. Only digests of secrets are kept;
-- the TOTP seed is sealed with AES-256-GCM under DB_ENCRYPTION_KEY.
-- FOREIGN KEY clauses, not inline REFERENCES: MySQL ignores the inline form.
ALTER TABLE users ADD COLUMN is_client BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN first_name VARCHAR(255);
ALTER TABLE users ADD COLUMN last_name VARCHAR(255);
ALTER TABLE users ADD COLUMN phone_number VARCHAR(16);
ALTER TABLE users ADD COLUMN totp_secret VARCHAR(255);
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

CREATE TABLE mfa_challenges (
    token_hash  CHAR(64)   PRIMARY KEY,
    user_id     CHAR(36)   NOT NULL,
    method      VARCHAR(8) NOT NULL,
    code_hash   CHAR(64),
    failures    INTEGER    NOT NULL DEFAULT 0,
    created_at  DATETIME   NOT NULL,
    expires_at  DATETIME   NOT NULL,
    ended_at    DATETIME,
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE recovery_codes (
    user_id    CHAR(36) NOT NULL,
    code_hash  CHAR(64) NOT NULL,
    created_at DATETIME NOT NULL,
    used_at    DATETIME,
    PRIMARY KEY (user_id, code_hash),
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE email_verifications (
    token_hash CHAR(64) PRIMARY KEY,
    user_id    CHAR(36) NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX email_verifications_user ON email_verifications (user_id, created_at);
