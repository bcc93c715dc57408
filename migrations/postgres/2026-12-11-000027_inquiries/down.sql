DELETE FROM notification_attempts WHERE notification_id IN
    (SELECT id FROM notifications WHERE inquiry_id IS NOT NULL);
DELETE FROM notifications WHERE inquiry_id IS NOT NULL;
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('received',
    'correction_requested', 'extended', 'fee_noticed', 'reply_issued', 'delivered',
    'case_assigned', 'draft_returned', 'review_waiting', 'signoff_waiting', 'reply_cleared',
    'extension_requested', 'daily_digest', 'reconsideration_filed', 'delivery_bounced'));
ALTER TABLE notifications DROP CONSTRAINT notifications_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_check
    CHECK (case_id IS NOT NULL OR user_id IS NOT NULL);
ALTER TABLE notifications DROP COLUMN inquiry_id;
DROP TABLE faq_entries;
DROP TABLE inquiries;
