-- Online consultation (线上咨询答复): questions asked before filing, their answers, and the
-- entries published from them as FAQ (常见问题). The asker's name and contact details are
-- encrypted like an applicant's (`*_enc`); `code` is the asker's key to read the answer.
CREATE TABLE inquiries (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
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
CREATE TABLE notification_attempts_kept AS SELECT * FROM notification_attempts;
DROP TABLE notification_attempts;

CREATE TABLE notifications_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('received', 'correction_requested', 'extended',
        'fee_noticed', 'reply_issued', 'delivered', 'case_assigned', 'draft_returned',
        'review_waiting', 'signoff_waiting', 'reply_cleared', 'extension_requested', 'daily_digest',
        'reconsideration_filed', 'delivery_bounced', 'inquiry_answered')),
    case_id INTEGER REFERENCES cases (id),
    user_id INTEGER REFERENCES users (id),
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dead', 'skipped', 'bounced')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    leased_by TEXT,
    last_error TEXT,
    accepted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    params TEXT,
    dedupe_key TEXT UNIQUE,
    inquiry_id BIGINT REFERENCES inquiries (id),
    CHECK (case_id IS NOT NULL OR user_id IS NOT NULL OR inquiry_id IS NOT NULL)
);
INSERT INTO notifications_new (id, message_id, kind, case_id, user_id, channel, subject, body,
        status, attempts, next_attempt_at, lease_until, leased_by, last_error, accepted_at,
        created_at, params, dedupe_key)
    SELECT id, message_id, kind, case_id, user_id, channel, subject, body, status, attempts,
        next_attempt_at, lease_until, leased_by, last_error, accepted_at, created_at, params,
        dedupe_key
    FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_case ON notifications (case_id);

CREATE TABLE notification_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    notification_id INTEGER NOT NULL REFERENCES notifications (id),
    attempted_at TIMESTAMP NOT NULL,
    ok BOOLEAN NOT NULL,
    detail TEXT NOT NULL
);
INSERT INTO notification_attempts (id, notification_id, attempted_at, ok, detail)
    SELECT id, notification_id, attempted_at, ok, detail FROM notification_attempts_kept;
DROP TABLE notification_attempts_kept;
CREATE INDEX notification_attempts_notification ON notification_attempts (notification_id);
