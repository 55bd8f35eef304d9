-- The head `tally_checkpoint_links` holds the organization's links at, when a save
-- copied them (storage/checkpoint.rs): the next save, under writes every few
-- minutes, copies only the links changed since instead of every one, so the copy
-- is no longer replaced whole with every save. None (a save from before this
-- column) copies them all.
ALTER TABLE tally_checkpoints ADD COLUMN links_head BIGINT;
