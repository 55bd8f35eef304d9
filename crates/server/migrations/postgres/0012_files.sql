-- Files that came with customers' messages (an email's attachments): served at an
-- unguessable address (`GET /files/{id}`), the same for the same file of the same
-- mail, so reading a mail twice stores it once.
CREATE TABLE files (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    created_ns BIGINT NOT NULL
);
