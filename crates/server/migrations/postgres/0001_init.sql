-- The schema SQLite reaches after its migrations 0001-0003, for PostgreSQL in one
-- step. Records are JSON documents keyed by id; the columns beside `doc` are the ones
-- queried or indexed directly. Foreign keys are checked at commit, so one
-- operation's rows may be written in any order within its transaction.
CREATE TABLE organizations (id TEXT PRIMARY KEY, doc TEXT NOT NULL);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX users_by_org ON users (org_id);

CREATE TABLE cards (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX cards_by_org ON cards (org_id);

CREATE TABLE contents (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX contents_by_org ON contents (org_id);

CREATE TABLE shares (
    token TEXT PRIMARY KEY,
    parent TEXT,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX shares_by_org ON shares (org_id);

CREATE TABLE view_sessions (
    id TEXT PRIMARY KEY,
    share_token TEXT NOT NULL REFERENCES shares (token) DEFERRABLE INITIALLY DEFERRED,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX view_sessions_by_share ON view_sessions (share_token);
CREATE INDEX view_sessions_by_org ON view_sessions (org_id);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX contacts_by_org ON contacts (org_id);

CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX conversations_by_org ON conversations (org_id);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL
        REFERENCES conversations (id) DEFERRABLE INITIALLY DEFERRED,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at);
CREATE INDEX messages_by_org ON messages (org_id);

CREATE TABLE canned_replies (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE channel_keys (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX channel_keys_by_org ON channel_keys (org_id);

CREATE TABLE credentials (
    user_id TEXT PRIMARY KEY REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
    password_hash TEXT NOT NULL
);

-- Only a hash of a sign-in token is kept, so a copy of the database signs nobody in.
CREATE TABLE staff_sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX staff_sessions_by_user ON staff_sessions (user_id);

-- The real-time event log: SSE ids are these ids, so a reconnect resumes exactly.
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL
);
CREATE INDEX events_by_org ON events (org_id, id);
