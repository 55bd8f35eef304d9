-- A view's reader (their own link) and when it started, as columns, so a contact's,
-- a link's or a reader's views, and those started since a moment, can be read by
-- SQL and the server can hold only the views an operation needs instead of all of
-- them (docs/server-memory.md). Both are set when a view is issued and never
-- change; rows from before are filled from their documents once (`storage::fill`).
-- The index on reader_token comes with the reads that use it: on PostgreSQL every
-- snapshot's update writes an entry into each of the row's indexes (its indexed
-- last_seen_ns changes, so the update is not HOT), and an index nothing read yet
-- cost ingest 10-25 % at 100,000 views in bench/scale.sh.
ALTER TABLE view_sessions ADD COLUMN reader_token TEXT;
ALTER TABLE view_sessions ADD COLUMN started_ns BIGINT;
