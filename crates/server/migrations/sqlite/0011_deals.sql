-- Deals (lianjie_core::deals::Deal), one document each, with whose deal it is, the
-- customer's and its stage as columns for the pipeline's lists to come.
CREATE TABLE deals (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX deals_by_org ON deals (org_id, version);
CREATE INDEX deals_by_owner ON deals (owner_id, stage);
CREATE INDEX deals_by_contact ON deals (contact_id);
