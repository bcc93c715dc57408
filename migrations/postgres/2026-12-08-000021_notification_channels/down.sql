ALTER TABLE case_applicants DROP COLUMN notify_sms;
ALTER TABLE case_applicants DROP COLUMN notify_email;
ALTER TABLE users DROP COLUMN notify_sms;
ALTER TABLE users DROP COLUMN notify_email;
ALTER TABLE notifications DROP COLUMN dedupe_key;
ALTER TABLE notifications DROP COLUMN params;
DELETE FROM notifications WHERE kind IN ('review_waiting', 'signoff_waiting', 'reply_cleared',
    'extension_requested', 'daily_digest', 'reconsideration_filed', 'delivery_bounced')
    OR status = 'bounced';
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
    CHECK (status IN ('pending', 'sent', 'dead', 'skipped'));
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('received',
    'correction_requested', 'extended', 'fee_noticed', 'reply_issued', 'delivered',
    'case_assigned', 'draft_returned'));
