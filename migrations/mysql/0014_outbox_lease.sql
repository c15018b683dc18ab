-- The outbox relay publishes with no transaction open: it claims a batch of rows until a time in one short
-- transaction and marks them processed in another. Another relay leaves claimed rows alone until the claim ends.
ALTER TABLE outbox ADD COLUMN lease_until DATETIME;
