-- A customer's conversations found within their organization. The owner triggers
-- (0015) update them by org_id and contact_id; with contact_id indexed alone, SQLite
-- chose the organization's index and walked every conversation of it: each customer
-- added, written to first or given another owner cost 30-50 ms at 100,000
-- conversations, in the single writer. Nothing looks conversations up by contact_id
-- alone. (PostgreSQL, planning from statistics, takes the contact's index.)
CREATE INDEX conversations_of_contact ON conversations (org_id, contact_id);
DROP INDEX conversations_by_contact;
