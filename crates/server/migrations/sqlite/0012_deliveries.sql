-- Replies on their way to a customer's platform (lianjie_core::delivery): the queue
-- is the messages whose delivery is queued, by when they are next due. Rows written
-- before this have no delivery.
ALTER TABLE messages ADD COLUMN delivery_state TEXT;
ALTER TABLE messages ADD COLUMN next_attempt_ns BIGINT;
CREATE INDEX messages_due ON messages (next_attempt_ns) WHERE delivery_state = 'queued';
