-- The links an organization's saved tallies were counted through, as they were at
-- the saved head: copied from `shares` in the transaction that saves the tallies. A
-- server starting at a later head takes the tallies back and brings them up with
-- the commits since, which needs the links those commits changed as they were
-- (storage/checkpoint.rs). Replaced with every save; without a row in
-- `tally_checkpoints` they are not read.
CREATE TABLE tally_checkpoint_links (
    org_id TEXT NOT NULL,
    token TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (org_id, token)
);
