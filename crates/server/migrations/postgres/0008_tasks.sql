-- Staff's tasks (lianjie_core::crm::Task), one document each, with whose task it is
-- and when it is due as columns for the lists to come.
CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
    due_ns BIGINT NOT NULL,
    doc TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) DEFERRABLE INITIALLY DEFERRED,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX tasks_by_org ON tasks (org_id, version);
CREATE INDEX tasks_by_owner ON tasks (owner_id, due_ns);
