-- A conversation's owner is its customer's (`contacts.owner_id`), kept beside it so a
-- rep's inbox and its tab counts read their own conversations from an index, not the
-- whole organization's joined with its customers. Triggers keep it in step with every
-- write: a new conversation, one moved to another customer (a merge), a customer
-- written or given another owner. A server still on the version before, sharing the
-- database, cannot give a customer another owner meanwhile: the fill below would miss
-- it, and the triggers take effect only when this commits.
LOCK TABLE contacts IN SHARE ROW EXCLUSIVE MODE;
ALTER TABLE conversations ADD COLUMN owner_id TEXT;
UPDATE conversations v SET owner_id = c.owner_id FROM contacts c
WHERE c.id = v.contact_id AND c.org_id = v.org_id AND c.owner_id IS NOT NULL;

CREATE FUNCTION lianjie_conversation_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.owner_id := (SELECT owner_id FROM contacts WHERE id = NEW.contact_id AND org_id = NEW.org_id);
    RETURN NEW;
END
$$;

CREATE TRIGGER conversation_owner_on_insert BEFORE INSERT ON conversations
    FOR EACH ROW EXECUTE FUNCTION lianjie_conversation_owner();
CREATE TRIGGER conversation_owner_on_move BEFORE UPDATE OF contact_id ON conversations
    FOR EACH ROW WHEN (OLD.contact_id IS DISTINCT FROM NEW.contact_id)
    EXECUTE FUNCTION lianjie_conversation_owner();

CREATE FUNCTION lianjie_contact_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversations SET owner_id = NEW.owner_id
    WHERE contact_id = NEW.id AND org_id = NEW.org_id AND owner_id IS DISTINCT FROM NEW.owner_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER contact_owner_on_insert AFTER INSERT ON contacts
    FOR EACH ROW EXECUTE FUNCTION lianjie_contact_owner();
CREATE TRIGGER contact_owner_on_change AFTER UPDATE OF owner_id ON contacts
    FOR EACH ROW WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id)
    EXECUTE FUNCTION lianjie_contact_owner();

-- The two halves of a rep's scope (conversations of their customers; those assigned
-- to them of anyone else's), each counted from its index alone.
CREATE INDEX conversations_owner_counts
    ON conversations (org_id, owner_id, channel, status, snoozed_until_ns, unread);
CREATE INDEX conversations_assignee_counts
    ON conversations (org_id, assignee_id, channel, status, snoozed_until_ns, unread, owner_id);
