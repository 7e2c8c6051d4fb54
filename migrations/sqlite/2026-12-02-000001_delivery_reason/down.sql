DROP INDEX message_deliveries_pending;
ALTER TABLE message_deliveries DROP COLUMN reason;
