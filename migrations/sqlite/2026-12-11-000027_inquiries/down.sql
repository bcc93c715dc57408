-- Messages to askers go with the questions.
CREATE TABLE notification_attempts_kept AS SELECT * FROM notification_attempts;
DROP TABLE notification_attempts;

CREATE TABLE notifications_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('received', 'correction_requested', 'extended',
        'fee_noticed', 'reply_issued', 'delivered', 'case_assigned', 'draft_returned',
        'review_waiting', 'signoff_waiting', 'reply_cleared', 'extension_requested', 'daily_digest',
        'reconsideration_filed', 'delivery_bounced')),
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
    CHECK (case_id IS NOT NULL OR user_id IS NOT NULL)
);
INSERT INTO notifications_new (id, message_id, kind, case_id, user_id, channel, subject, body,
        status, attempts, next_attempt_at, lease_until, leased_by, last_error, accepted_at,
        created_at, params, dedupe_key)
    SELECT id, message_id, kind, case_id, user_id, channel, subject, body, status, attempts,
        next_attempt_at, lease_until, leased_by, last_error, accepted_at, created_at, params,
        dedupe_key
    FROM notifications WHERE inquiry_id IS NULL;
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
    SELECT id, notification_id, attempted_at, ok, detail FROM notification_attempts_kept
    WHERE notification_id IN (SELECT id FROM notifications);
DROP TABLE notification_attempts_kept;
CREATE INDEX notification_attempts_notification ON notification_attempts (notification_id);

DROP TABLE faq_entries;
DROP TABLE inquiries;
