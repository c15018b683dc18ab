-- The key pairs access tokens are signed with when JWT_ALGORITHM is EdDSA, ES256 or RS256: made on first start,
-- rotated by an operator; the private half sealed with DB_ENCRYPTION_KEY. A retired key verifies until the tokens it
-- signed have expired.
CREATE TABLE signing_keys (
    kid            VARCHAR(64)  PRIMARY KEY,
    algorithm      VARCHAR(16)  NOT NULL,
    public_pem     TEXT         NOT NULL,
    sealed_private TEXT         NOT NULL,
    created_at     TIMESTAMP    NOT NULL,
    retired_at     TIMESTAMP
);
