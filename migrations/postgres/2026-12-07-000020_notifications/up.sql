-- The notification outbox. A message is written in the transaction of the event that causes it
-- (so no acknowledged event lacks its message and no rolled-back one sends one) and sent later
-- by the dispatcher, which leases a row (`lease_until`, `leased_by`) so that with several
-- instances each message is sent by one. The address is not copied here: it is read (and
-- decrypted) from the case's applicant or the account when the message is sent. `message_id`
-- is the Message-ID header, the same on every attempt, so that a receiver can spot a copy sent
-- again after a lost acknowledgement.
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('received', 'correction_requested', 'extended',
        'fee_noticed', 'reply_issued', 'delivered', 'case_assigned', 'draft_returned')),
    case_id BIGINT REFERENCES cases (id),
    -- The applicant of `case_id`, or the account `user_id`.
    user_id BIGINT REFERENCES users (id),
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    -- pending: to send; sent: accepted by the server; dead: given up after the last try;
    -- skipped: the channel is not configured or the recipient has no address for it.
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dead', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    leased_by TEXT,
    last_error TEXT,
    accepted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CHECK (case_id IS NOT NULL OR user_id IS NOT NULL)
);
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_case ON notifications (case_id);

-- Every attempt to send a message and what came of it.
CREATE TABLE notification_attempts (
    id BIGSERIAL PRIMARY KEY,
    notification_id BIGINT NOT NULL REFERENCES notifications (id),
    attempted_at TIMESTAMP NOT NULL,
    ok BOOLEAN NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX notification_attempts_notification ON notification_attempts (notification_id);
