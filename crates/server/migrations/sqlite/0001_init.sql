-- Records are stored as JSON documents keyed by id: the domain rules live in
-- lianjie-core and run in the server process; the columns beside `doc` are the ones
-- queried or indexed directly.
CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, doc TEXT NOT NULL);
CREATE TABLE cards (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE contents (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE shares (token TEXT PRIMARY KEY, parent TEXT, doc TEXT NOT NULL);
CREATE TABLE view_sessions (id TEXT PRIMARY KEY, share_token TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX view_sessions_by_share ON view_sessions (share_token);
CREATE TABLE contacts (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE conversations (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at);
CREATE TABLE canned_replies (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE credentials (user_id TEXT PRIMARY KEY REFERENCES users (id), password_hash TEXT NOT NULL);
CREATE TABLE staff_sessions (
    token TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    expires_at INTEGER NOT NULL
);
-- The real-time event log: SSE ids are these ids, so a reconnect resumes exactly.
CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, doc TEXT NOT NULL);
