-- The clean-up deletes ended rows after RETENTION_DAYS, a batch at a time: each of its questions has an index, and
-- task_leases lets one process at a time run it when several share the database.
CREATE INDEX otp_codes_expires ON otp_codes (expires_at);
CREATE INDEX otp_lockouts_updated ON otp_lockouts (updated_at);
CREATE INDEX mfa_challenges_expires ON mfa_challenges (expires_at);
CREATE INDEX email_verifications_expires ON email_verifications (expires_at);
CREATE INDEX password_resets_expires ON password_resets (expires_at);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_revoked ON sessions (revoked_at);
CREATE INDEX messages_finished ON messages (status, created_at);
CREATE INDEX outbox_processed ON outbox (processed, processed_at);
CREATE TABLE task_leases (
    name        VARCHAR(64) PRIMARY KEY,
    lease_until TIMESTAMP   NOT NULL
);
INSERT INTO task_leases (name, lease_until) VALUES ('cleanup', '2000-01-01 00:00:00');
