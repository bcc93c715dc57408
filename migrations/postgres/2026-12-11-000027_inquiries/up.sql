-- Online consultation (线上咨询答复): questions asked before filing, their answers, and the
-- entries published from them as FAQ (常见问题). The asker's name and contact details are
-- encrypted like an applicant's (`*_enc`); `code` is the asker's key to read the answer.
CREATE TABLE inquiries (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    user_id BIGINT REFERENCES users (id),
    question TEXT NOT NULL,
    name_enc TEXT,
    phone_enc TEXT,
    email_enc TEXT,
    asked_at TIMESTAMP NOT NULL,
    asked_on DATE NOT NULL,
    due_on DATE NOT NULL,
    answer TEXT,
    answered_by BIGINT REFERENCES users (id),
    answered_at TIMESTAMP,
    answered_on DATE,
    CHECK ((answer IS NULL) = (answered_at IS NULL))
);
-- The staff queue: an agency's unanswered questions by due day.
CREATE INDEX inquiries_agency_open ON inquiries (agency_id, answered_at, due_on);

CREATE TABLE faq_entries (
    id BIGSERIAL PRIMARY KEY,
    inquiry_id BIGINT NOT NULL UNIQUE REFERENCES inquiries (id),
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    published_by BIGINT NOT NULL REFERENCES users (id),
    published_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);
CREATE INDEX faq_entries_agency ON faq_entries (agency_id, withdrawn_at);

-- The outbox learns a third kind of recipient, the asker of a question, and its message.
-- SQLite cannot change a CHECK, so the outbox is rebuilt; its attempts are set aside and put
-- back around it.
-- The outbox learns a third kind of recipient, the asker of a question, and its message.
ALTER TABLE notifications ADD COLUMN inquiry_id BIGINT REFERENCES inquiries (id);
ALTER TABLE notifications DROP CONSTRAINT notifications_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_check
    CHECK (case_id IS NOT NULL OR user_id IS NOT NULL OR inquiry_id IS NOT NULL);
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('received',
    'correction_requested', 'extended', 'fee_noticed', 'reply_issued', 'delivered',
    'case_assigned', 'draft_returned', 'review_waiting', 'signoff_waiting', 'reply_cleared',
    'extension_requested', 'daily_digest', 'reconsideration_filed', 'delivery_bounced',
    'inquiry_answered'));
