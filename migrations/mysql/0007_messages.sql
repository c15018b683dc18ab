-- The queue of codes and links to deliver (SMS, e-mail). A message is written in the transaction that makes its
-- code or token, and sent afterwards by the deliverer: at least once, in id order per recipient. The code or token
-- is sealed (DB_ENCRYPTION_KEY) and deleted once sent.
CREATE TABLE messages (
    id               BIGINT       AUTO_INCREMENT PRIMARY KEY,
    message_id       VARCHAR(36)  NOT NULL UNIQUE,
    channel          VARCHAR(8)   NOT NULL,
    kind             VARCHAR(32)  NOT NULL,
    recipient        VARCHAR(320) NOT NULL,
    recipient_key    CHAR(64)     NOT NULL,
    recipient_name   VARCHAR(255) NOT NULL,
    account_id       VARCHAR(36)  NOT NULL,
    lifetime_seconds INTEGER      NOT NULL,
    sealed_secret    TEXT,
    status           VARCHAR(8)   NOT NULL,
    attempts         INTEGER      NOT NULL,
    next_attempt_at  DATETIME     NOT NULL,
    lease_until      DATETIME,
    last_error       VARCHAR(300),
    created_at       DATETIME     NOT NULL,
    sent_at          DATETIME
);
-- The deliverer's question: which pending messages of a channel are due.
CREATE INDEX messages_due ON messages (status, channel, next_attempt_at);
-- Order per recipient: is an older message to the same person still pending?
CREATE INDEX messages_recipient ON messages (recipient_key, status, id);
