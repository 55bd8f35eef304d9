-- Real columns for what the radar and the inbox filter, sort, join and count, and
-- their indexes. Times are nanoseconds since 1970 (exact, and ordered as numbers).
-- Rows written before this migration get them from their documents when the server
-- starts (storage::fill_columns); every write sets them after.
ALTER TABLE shares ADD COLUMN rep_id TEXT;
ALTER TABLE view_sessions ADD COLUMN rep_id TEXT;
ALTER TABLE view_sessions ADD COLUMN last_seen_ns BIGINT;
ALTER TABLE view_sessions ADD COLUMN visible_ms BIGINT;
CREATE INDEX view_sessions_recent ON view_sessions (org_id, last_seen_ns DESC, id);
CREATE INDEX view_sessions_recent_by_rep ON view_sessions (rep_id, last_seen_ns DESC, id);
ALTER TABLE contacts ADD COLUMN owner_id TEXT;
ALTER TABLE contacts ADD COLUMN name TEXT;
ALTER TABLE contacts ADD COLUMN name_lower TEXT;
CREATE INDEX contacts_by_owner ON contacts (owner_id);
ALTER TABLE conversations ADD COLUMN contact_id TEXT;
ALTER TABLE conversations ADD COLUMN channel TEXT;
ALTER TABLE conversations ADD COLUMN status TEXT;
ALTER TABLE conversations ADD COLUMN snoozed_until_ns BIGINT;
ALTER TABLE conversations ADD COLUMN assignee_id TEXT;
ALTER TABLE conversations ADD COLUMN last_message_ns BIGINT;
ALTER TABLE conversations ADD COLUMN preview_lower TEXT;
ALTER TABLE conversations ADD COLUMN unread BIGINT;
ALTER TABLE conversations ADD COLUMN intent BIGINT;
CREATE INDEX conversations_recent ON conversations (org_id, last_message_ns DESC, id);
CREATE INDEX conversations_by_contact ON conversations (contact_id);
CREATE INDEX conversations_by_assignee ON conversations (assignee_id);
-- A conversation's labels, one row each (the inbox filters by one).
CREATE TABLE conversation_labels (
    conversation_id TEXT NOT NULL,
    label TEXT NOT NULL,
    org_id TEXT NOT NULL,
    PRIMARY KEY (conversation_id, label)
);
CREATE INDEX conversation_labels_by_label ON conversation_labels (org_id, label);
-- What one-off data steps have run (the columns' fill above).
CREATE TABLE lianjie_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
