-- TOTP MFA and clients (users created through /api/v1/clients), and the short-lived
-- secrets that prove something about an account. Only digests of secrets are kept;
-- the TOTP seed is sealed with AES-256-GCM under DB_ENCRYPTION_KEY.
ALTER TABLE users ADD COLUMN is_client BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN first_name VARCHAR(255);
ALTER TABLE users ADD COLUMN last_name VARCHAR(255);
ALTER TABLE users ADD COLUMN phone_number VARCHAR(16);
ALTER TABLE users ADD COLUMN totp_secret VARCHAR(255);
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

CREATE TABLE mfa_challenges (
    token_hash  CHAR(64)    PRIMARY KEY,
    user_id     UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method      VARCHAR(8)  NOT NULL,
    code_hash   CHAR(64),
    failures    INTEGER     NOT NULL DEFAULT 0,
    created_at  TIMESTAMP   NOT NULL,
    expires_at  TIMESTAMP   NOT NULL,
    ended_at    TIMESTAMP
);
CREATE INDEX mfa_challenges_user ON mfa_challenges (user_id);

CREATE TABLE recovery_codes (
    user_id    UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  CHAR(64)    NOT NULL,
    created_at TIMESTAMP   NOT NULL,
    used_at    TIMESTAMP,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE email_verifications (
    token_hash CHAR(64)    PRIMARY KEY,
    user_id    UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP   NOT NULL,
    expires_at TIMESTAMP   NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX email_verifications_user ON email_verifications (user_id, created_at);
