-- Delivery state of a message per participating agent: dispatched, then replied, errored
-- or ignored. A terminal state is never overwritten by `dispatched` (late writers lose).
CREATE TABLE message_deliveries (
    message_id text NOT NULL REFERENCES central_messages (id) ON DELETE CASCADE,
    agent_id   text NOT NULL,
    state      text NOT NULL,
    updated_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'),
    PRIMARY KEY (message_id, agent_id)
);
