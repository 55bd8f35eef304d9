-- More than one server on one database: each organization's data has a head, the
-- number of commits that changed it, and each row the head of the commit that last
-- wrote it. A commit first takes the next head (which also locks the organization
-- until it commits), so a server reads exactly what other servers changed since
-- its own copy with `version > head it has`. A demo reset deletes rows, which no
-- version shows: `reset_at` says from which head a server must reload instead.
CREATE TABLE org_heads (
    org_id TEXT PRIMARY KEY,
    head BIGINT NOT NULL,
    reset_at BIGINT NOT NULL DEFAULT 0
);

ALTER TABLE organizations ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cards ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contents ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE channel_keys ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE canned_replies ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE view_sessions ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- The per-organization indexes gain the version: the same lookups by organization,
-- and "what changed since" without reading the rest.
DROP INDEX users_by_org;
CREATE INDEX users_by_org ON users (org_id, version);
DROP INDEX cards_by_org;
CREATE INDEX cards_by_org ON cards (org_id, version);
DROP INDEX contents_by_org;
CREATE INDEX contents_by_org ON contents (org_id, version);
DROP INDEX channel_keys_by_org;
CREATE INDEX channel_keys_by_org ON channel_keys (org_id, version);
CREATE INDEX canned_replies_by_org ON canned_replies (org_id, version);
DROP INDEX shares_by_org;
CREATE INDEX shares_by_org ON shares (org_id, version);
DROP INDEX view_sessions_by_org;
CREATE INDEX view_sessions_by_org ON view_sessions (org_id, version);
DROP INDEX contacts_by_org;
CREATE INDEX contacts_by_org ON contacts (org_id, version);
DROP INDEX conversations_by_org;
CREATE INDEX conversations_by_org ON conversations (org_id, version);
DROP INDEX messages_by_org;
CREATE INDEX messages_by_org ON messages (org_id, version);

-- Other servers relay new events at once: a commit that logged events notifies
-- them (delivered when it commits), without a statement of its own.
CREATE FUNCTION lianjie_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NOTIFY lianjie_events;
    RETURN NULL;
END;
$$;
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION lianjie_notify_events();
