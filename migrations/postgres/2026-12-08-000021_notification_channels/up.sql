-- Channels people choose, text messages, staff messages and bounces.
--
-- `params`: a text message's template parameters (JSON), for gateways that send by template.
-- `dedupe_key`: one message per key (a person's daily digest), so that two instances making
-- the day's digests at once write it once. `bounced`: the recipient's server sent the message
-- back after accepting it (a delivery status notification).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('received',
    'correction_requested', 'extended', 'fee_noticed', 'reply_issued', 'delivered',
    'case_assigned', 'draft_returned', 'review_waiting', 'signoff_waiting', 'reply_cleared',
    'extension_requested', 'daily_digest', 'reconsideration_filed', 'delivery_bounced'));
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
    CHECK (status IN ('pending', 'sent', 'dead', 'skipped', 'bounced'));
ALTER TABLE notifications ADD COLUMN params TEXT;
ALTER TABLE notifications ADD COLUMN dedupe_key TEXT UNIQUE;

-- The channels an account's own messages go by (its profile), and those the applicant chose
-- when filing for the statutory notices of that case. E-mail stays on as before; text
-- messages are chosen.
ALTER TABLE users ADD COLUMN notify_email BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN notify_sms BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE case_applicants ADD COLUMN notify_email BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE case_applicants ADD COLUMN notify_sms BOOLEAN NOT NULL DEFAULT FALSE;
