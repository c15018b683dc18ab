-- Users (and clients: one identity store), their roles, sessions and refresh tokens.
-- Times are UTC in DATETIME columns; the service never stores local times.
CREATE TABLE users (
    id              CHAR(36)     PRIMARY KEY,
    email           VARCHAR(254) NOT NULL UNIQUE,
    username        VARCHAR(32)  UNIQUE,
    name            VARCHAR(255) NOT NULL,
    password_hash   VARCHAR(255) NOT NULL,
    is_active       BOOLEAN      NOT NULL DEFAULT 1,
    email_verified  BOOLEAN      NOT NULL DEFAULT 0,
    mfa_enabled     BOOLEAN      NOT NULL DEFAULT 0,
    failed_logins   INTEGER      NOT NULL DEFAULT 0,
    locked_until    DATETIME,
    created_at      DATETIME    NOT NULL,
    updated_at      DATETIME    NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE roles (
    name VARCHAR(32) PRIMARY KEY
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO roles (name) VALUES ('customer'), ('staff'), ('admin');

CREATE TABLE user_roles (
    user_id CHAR(36)    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    VARCHAR(32) NOT NULL REFERENCES roles (name),
    PRIMARY KEY (user_id, role)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE sessions (
    id             CHAR(36)     PRIMARY KEY,
    principal_id   CHAR(36)     NOT NULL,
    principal_type VARCHAR(8)   NOT NULL,
    created_at     DATETIME    NOT NULL,
    last_used_at   DATETIME    NOT NULL,
    expires_at     DATETIME    NOT NULL,
    revoked_at     DATETIME,
    user_agent     VARCHAR(255) NOT NULL DEFAULT '',
    ip             VARCHAR(64)  NOT NULL DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX sessions_principal ON sessions (principal_id);

-- Only the SHA-256 of each refresh token is kept.
CREATE TABLE refresh_tokens (
    token_hash  CHAR(64)   PRIMARY KEY,
    session_id  CHAR(36)   NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    issued_at   DATETIME  NOT NULL,
    expires_at  DATETIME  NOT NULL,
    rotated_at  DATETIME
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
