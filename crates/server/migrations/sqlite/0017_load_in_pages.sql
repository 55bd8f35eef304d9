-- A starting server on SQLite reads each organization's records (but its contents) a
-- page at a time in key order (`storage::keyed`): with only (org_id, version) to go
-- by, every page sorted the organization's whole table again (at 1,000,000 view
-- sessions, minutes to start).
CREATE INDEX cards_by_key ON cards (org_id, id);
CREATE INDEX shares_by_key ON shares (org_id, token);
CREATE INDEX view_sessions_by_key ON view_sessions (org_id, id);
CREATE INDEX contacts_by_key ON contacts (org_id, id);
CREATE INDEX customer_log_by_key ON customer_log (org_id, id);
CREATE INDEX tasks_by_key ON tasks (org_id, id);
CREATE INDEX deals_by_key ON deals (org_id, id);
CREATE INDEX conversations_by_key ON conversations (org_id, id);
CREATE INDEX channel_keys_by_key ON channel_keys (org_id, id);
