DROP TABLE message_deliveries;
