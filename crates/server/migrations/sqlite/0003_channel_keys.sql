-- Channel adapters' credentials (lianjie_core::adapter::ChannelKey), one document
-- each. The secret is kept readable: a signature is checked with the secret itself.
CREATE TABLE channel_keys (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL
);
CREATE INDEX channel_keys_by_org ON channel_keys (org_id);
