-- Agents who sign in with a one-time code sent to their phone, the codes
-- (digests only) and the per-number failure count and lock.
CREATE TABLE agents (
    id             CHAR(36)     PRIMARY KEY,
    phone_number   VARCHAR(16)  NOT NULL UNIQUE,
    country_code   VARCHAR(4)   NOT NULL,
    first_name     VARCHAR(255) NOT NULL,
    last_name      VARCHAR(255) NOT NULL,
    email          VARCHAR(254) NOT NULL UNIQUE,
    license_number CHAR(6)      NOT NULL UNIQUE,
    agency_id      CHAR(36),
    status         VARCHAR(16)  NOT NULL DEFAULT 'active',
    created_at     DATETIME    NOT NULL,
    updated_at     DATETIME    NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE otp_codes (
    id              CHAR(36)    PRIMARY KEY,
    phone_number    VARCHAR(16) NOT NULL,
    code_hash       CHAR(64)    NOT NULL,
    delivery_method VARCHAR(8)  NOT NULL,
    created_at      DATETIME   NOT NULL,
    expires_at      DATETIME   NOT NULL,
    consumed_at     DATETIME
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX otp_codes_phone_created ON otp_codes (phone_number, created_at);

CREATE TABLE otp_lockouts (
    phone_number    VARCHAR(16) PRIMARY KEY,
    failed_attempts INTEGER     NOT NULL DEFAULT 0,
    locked_until    DATETIME,
    updated_at      DATETIME   NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
