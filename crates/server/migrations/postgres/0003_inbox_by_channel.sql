-- The inbox filtered by channel, newest first, without reading other channels.
CREATE INDEX conversations_by_channel ON conversations (org_id, channel, last_message_ns);
