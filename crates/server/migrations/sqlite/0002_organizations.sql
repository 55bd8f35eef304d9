-- Organizations (tenants): every record belongs to one, and one organization's rows
-- are loaded, listed and reset apart from every other's. Rows written before this
-- migration belong to the demo organization.
CREATE TABLE organizations (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
ALTER TABLE users ADD COLUMN org_id TEXT NOT NULL DEFAULT 'lianjie';
ALTER TABLE cards ADD COLUMN org_id TEXT NOT NULL DEFAULT 'lianjie';
ALTER TABLE contents ADD COLUMN org_id TEXT NOT NULL DEFAULT 'lianjie';
ALTER TABLE shares ADD COLUMN org_id TEXT NOT NULL DEFAULT 'lianjie';
ALTER TABLE view_sessions ADD COLUMN org_id TEXT NOT NULL DEFAULT 'lianjie';
ALTER TABLE contacts ADD COLUMN org_id TEXT NOT NULL DEFAULT 'lianjie';
ALTER TABLE conversations ADD COLUMN org_id TEXT NOT NULL DEFAULT 'lianjie';
ALTER TABLE messages ADD COLUMN org_id TEXT NOT NULL DEFAULT 'lianjie';
ALTER TABLE canned_replies ADD COLUMN org_id TEXT NOT NULL DEFAULT 'lianjie';
ALTER TABLE events ADD COLUMN org_id TEXT NOT NULL DEFAULT 'lianjie';
CREATE INDEX users_by_org ON users (org_id);
CREATE INDEX cards_by_org ON cards (org_id);
CREATE INDEX contents_by_org ON contents (org_id);
CREATE INDEX shares_by_org ON shares (org_id);
CREATE INDEX view_sessions_by_org ON view_sessions (org_id);
CREATE INDEX contacts_by_org ON contacts (org_id);
CREATE INDEX conversations_by_org ON conversations (org_id);
CREATE INDEX messages_by_org ON messages (org_id);
CREATE INDEX events_by_org ON events (org_id, id);

-- Sign-in sessions: only a hash of the token is kept, so a copy of the database
-- signs nobody in. `id` is the public name a person sees and ends a session by.
-- Sessions stored in plain text before this migration are dropped (everyone signs in
-- again once).
DROP TABLE staff_sessions;
CREATE TABLE staff_sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX staff_sessions_by_user ON staff_sessions (user_id);
