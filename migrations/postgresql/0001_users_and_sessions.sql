-- Users (and clients: one identity store), their roles, sessions and refresh tokens.
-- Times are UTC in TIMESTAMP columns; the service never stores local times.
CREATE TABLE users (
    id              UUID         PRIMARY KEY,
    email           VARCHAR(254) NOT NULL UNIQUE,
    username        VARCHAR(32)  UNIQUE,
    name            VARCHAR(255) NOT NULL,
    password_hash   VARCHAR(255) NOT NULL,
    is_active       BOOLEAN      NOT NULL DEFAULT TRUE,
    email_verified  BOOLEAN      NOT NULL DEFAULT FALSE,
    mfa_enabled     BOOLEAN      NOT NULL DEFAULT FALSE,
    failed_logins   INTEGER      NOT NULL DEFAULT 0,
    locked_until    TIMESTAMP,
    created_at      TIMESTAMP    NOT NULL,
    updated_at      TIMESTAMP    NOT NULL
);

CREATE TABLE roles (
    name VARCHAR(32) PRIMARY KEY
);
INSERT INTO roles (name) VALUES ('customer'), ('staff'), ('admin');

CREATE TABLE user_roles (
    user_id UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    VARCHAR(32) NOT NULL REFERENCES roles (name),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    id             UUID         PRIMARY KEY,
    principal_id   UUID         NOT NULL,
    principal_type VARCHAR(8)   NOT NULL,
    created_at     TIMESTAMP    NOT NULL,
    last_used_at   TIMESTAMP    NOT NULL,
    expires_at     TIMESTAMP    NOT NULL,
    revoked_at     TIMESTAMP,
    user_agent     VARCHAR(255) NOT NULL DEFAULT '',
    ip             VARCHAR(64)  NOT NULL DEFAULT ''
);
CREATE INDEX sessions_principal ON sessions (principal_id);

-- Only the SHA-256 of each refresh token is kept.
CREATE TABLE refresh_tokens (
    token_hash  CHAR(64)   PRIMARY KEY,
    session_id  UUID       NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    issued_at   TIMESTAMP  NOT NULL,
    expires_at  TIMESTAMP  NOT NULL,
    rotated_at  TIMESTAMP
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
