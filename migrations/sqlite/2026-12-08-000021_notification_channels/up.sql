-- Channels people choose, text messages, staff messages and bounces.
--
-- `params`: a text message's template parameters (JSON), for gateways that send by template.
-- `dedupe_key`: one message per key (a person's daily digest), so that two instances making
-- the day's digests at once write it once. `bounced`: the recipient's server sent the message
-- back after accepting it (a delivery status notification). SQLite cannot change a CHECK, so
-- the outbox is rebuilt; its attempts are set aside and put back around it.
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
        created_at)
    SELECT id, message_id, kind, case_id, user_id, channel, subject, body, status, attempts,
        next_attempt_at, lease_until, leased_by, last_error, accepted_at, created_at
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

-- The channels an account's own messages go by (its profile), and those the applicant chose
-- when filing for the statutory notices of that case. E-mail stays on as before; text
-- messages are chosen.
ALTER TABLE users ADD COLUMN notify_email BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN notify_sms BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE case_applicants ADD COLUMN notify_email BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE case_applicants ADD COLUMN notify_sms BOOLEAN NOT NULL DEFAULT FALSE;
