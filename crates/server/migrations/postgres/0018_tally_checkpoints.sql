-- An organization's running tallies, saved by a server as it stops (or once idle)
-- with the head they count and the core build that counted them (`rules`): a server
-- starting at that head with the same build takes them back instead of counting
-- every view again (storage/checkpoint.rs). A later migration that rewrites view or
-- link documents without a commit must delete these rows.
CREATE TABLE tally_checkpoints (
    org_id TEXT PRIMARY KEY,
    head BIGINT NOT NULL,
    rules TEXT NOT NULL,
    doc BYTEA NOT NULL
);
