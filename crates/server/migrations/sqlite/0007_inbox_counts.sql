-- The inbox's counts per status (for a channel, or all) read from the index alone:
-- at 100,000 conversations 17.5 -> 2 ms for one channel, 39 -> 21 ms for all.
CREATE INDEX conversations_counts ON conversations (org_id, channel, status, snoozed_until_ns, unread);
