-- The inbox's tab counts kept as running tallies, so that reading them costs the same
-- with 1,000 conversations or 1,000,000: per organization, owner, assignee, channel
-- and status, how many conversations and their unread messages. Counting from an
-- index grew with the caller's conversations (a rep's counts at 1M messages: 18 ms,
-- 7x their time at 100k). A missing value is '' (a key cannot hold NULL): no owner or
-- assignee, or no channel or status yet in a row from before those columns, until
-- `fill_columns` writes them.
-- A snooze that has run out counts as open, which depends on the time of reading:
-- those are found by the end of their snooze in the partial index below and moved
-- from the snoozed tally to the open one as the counts are read.
CREATE TABLE conversation_counts (
    org_id TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    assignee_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    unread BIGINT NOT NULL,
    PRIMARY KEY (org_id, owner_id, assignee_id, channel, status)
);

INSERT INTO conversation_counts
SELECT org_id, COALESCE(owner_id, ''), COALESCE(assignee_id, ''), COALESCE(channel, ''),
       COALESCE(status, ''),
       COUNT(*), COALESCE(SUM(unread), 0)
FROM conversations
GROUP BY org_id, COALESCE(owner_id, ''), COALESCE(assignee_id, ''), COALESCE(channel, ''),
    COALESCE(status, '');

CREATE INDEX conversations_snoozed
    ON conversations (org_id, snoozed_until_ns, owner_id, assignee_id, channel, unread)
    WHERE status = 'snoozed';

-- Every write that moves a conversation between tallies: a new one (its owner is set
-- by `conversation_owner_on_insert`, as an update), one deleted (a demo reset), and
-- one whose owner, assignee, channel, status or unread count changed. Each change is
-- an addition (taking one out adds -1), so the tallies come out the same whichever
-- order SQLite runs these and the owner's triggers in (it does not promise one).
CREATE TRIGGER conversation_counts_on_insert AFTER INSERT ON conversations
BEGIN
    INSERT INTO conversation_counts VALUES (NEW.org_id, COALESCE(NEW.owner_id, ''),
        COALESCE(NEW.assignee_id, ''), COALESCE(NEW.channel, ''), COALESCE(NEW.status, ''),
        1, COALESCE(NEW.unread, 0))
    ON CONFLICT (org_id, owner_id, assignee_id, channel, status) DO UPDATE SET
        n = conversation_counts.n + excluded.n,
        unread = conversation_counts.unread + excluded.unread;
END;

CREATE TRIGGER conversation_counts_on_delete AFTER DELETE ON conversations
BEGIN
    INSERT INTO conversation_counts VALUES (OLD.org_id, COALESCE(OLD.owner_id, ''),
        COALESCE(OLD.assignee_id, ''), COALESCE(OLD.channel, ''), COALESCE(OLD.status, ''),
        -1, -COALESCE(OLD.unread, 0))
    ON CONFLICT (org_id, owner_id, assignee_id, channel, status) DO UPDATE SET
        n = conversation_counts.n + excluded.n,
        unread = conversation_counts.unread + excluded.unread;
END;

CREATE TRIGGER conversation_counts_on_update
AFTER UPDATE OF owner_id, assignee_id, channel, status, unread ON conversations
WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.assignee_id IS NOT NEW.assignee_id
  OR OLD.channel IS NOT NEW.channel OR OLD.status IS NOT NEW.status
  OR OLD.unread IS NOT NEW.unread
BEGIN
    INSERT INTO conversation_counts VALUES (OLD.org_id, COALESCE(OLD.owner_id, ''),
        COALESCE(OLD.assignee_id, ''), COALESCE(OLD.channel, ''), COALESCE(OLD.status, ''),
        -1, -COALESCE(OLD.unread, 0))
    ON CONFLICT (org_id, owner_id, assignee_id, channel, status) DO UPDATE SET
        n = conversation_counts.n + excluded.n,
        unread = conversation_counts.unread + excluded.unread;
    INSERT INTO conversation_counts VALUES (NEW.org_id, COALESCE(NEW.owner_id, ''),
        COALESCE(NEW.assignee_id, ''), COALESCE(NEW.channel, ''), COALESCE(NEW.status, ''),
        1, COALESCE(NEW.unread, 0))
    ON CONFLICT (org_id, owner_id, assignee_id, channel, status) DO UPDATE SET
        n = conversation_counts.n + excluded.n,
        unread = conversation_counts.unread + excluded.unread;
END;
