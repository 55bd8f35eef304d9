-- What staff wrote down and changed about a customer (lianjie_core::crm::LogEntry:
-- follow-ups, stage changes), one document each, read with the customer.
CREATE TABLE customer_log (
    id TEXT PRIMARY KEY,
    contact_id TEXT NOT NULL,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX customer_log_by_org ON customer_log (org_id, version);
CREATE INDEX customer_log_by_contact ON customer_log (contact_id);
