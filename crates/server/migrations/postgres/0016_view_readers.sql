-- A view's reader (their own link) and when it started, as columns: a contact's, a
-- link's or a reader's views, and those started since a moment, become one indexed
-- read, so the server can hold only the views an operation needs instead of all of
-- them (docs/server-memory.md). Both are set when a view is issued and never
-- change; rows from before are filled from their documents once (`storage::fill`).
ALTER TABLE view_sessions ADD COLUMN reader_token TEXT;
ALTER TABLE view_sessions ADD COLUMN started_ns BIGINT;
CREATE INDEX view_sessions_by_reader ON view_sessions (reader_token);
