-- Email conversations' threads (adapters::email): the subject replies answer, and
-- the thread's Message-IDs (bracketed, oldest first, space-separated; the last few
-- only), which a reply's In-Reply-To and References carry so the customer's mail
-- program shows it in the thread.
CREATE TABLE mail_threads (
    org_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    refs TEXT NOT NULL,
    PRIMARY KEY (org_id, conversation_id)
);
