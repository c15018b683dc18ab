-- When a queued message's code or link stops being valid: past it, the deliverer drops the message instead of
-- sending a dead code, and the message no longer holds back newer ones to the same person.
ALTER TABLE messages ADD COLUMN expires_at TIMESTAMP;
UPDATE messages SET expires_at = created_at + lifetime_seconds * INTERVAL '1 second';
