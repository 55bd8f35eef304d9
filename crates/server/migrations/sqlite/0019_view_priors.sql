-- Views as they were before a commit changed them, so another server catching up
-- counts a changed view out of its running tallies as it counted it in, without
-- holding every view (docs/server-memory.md, step 5). `doc` is NULL for a view the
-- commit issued. Kept for minutes (`Storage::prune_priors`): org_heads.priors_from
-- is the lowest head whose priors are all still here, and a server that knows less
-- reads the organization again.
CREATE TABLE view_priors (
    org_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    id TEXT NOT NULL,
    doc TEXT,
    at_ns BIGINT NOT NULL,
    PRIMARY KEY (org_id, version, id)
);
ALTER TABLE org_heads ADD COLUMN priors_from BIGINT NOT NULL DEFAULT 0;
-- A link's views and a reader's (their own link), read by the organization's key
-- and those: the server holds only the views an operation names. Without the
-- organization's key SQLite walked all its views for a link's.
DROP INDEX view_sessions_by_share;
CREATE INDEX view_sessions_by_share ON view_sessions (org_id, share_token);
CREATE INDEX view_sessions_by_reader ON view_sessions (org_id, reader_token);
