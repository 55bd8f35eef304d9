-- Messages stay in storage, read a page at a time: the columns a conversation's
-- pages sort by (time in nanoseconds, then id by bytes, as Rust orders it), what the
-- web-chat visitor and the intent trend filter by (direction), and what an
-- idempotent retry is found by. Rows written before this get them from their
-- documents when the server starts (storage::fill).
ALTER TABLE messages ADD COLUMN direction TEXT;
ALTER TABLE messages ADD COLUMN idempotency_key TEXT;
ALTER TABLE messages ADD COLUMN created_ns BIGINT;
DROP INDEX messages_by_conversation;
CREATE INDEX messages_by_conversation ON messages (org_id, conversation_id, created_ns, id COLLATE "C");
CREATE INDEX messages_by_key ON messages (org_id, idempotency_key);
