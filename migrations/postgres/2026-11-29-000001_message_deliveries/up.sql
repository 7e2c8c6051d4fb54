-- Delivery state of a message per participating agent: dispatched, then replied, errored
-- or ignored. A terminal state is never overwritten by `dispatched` (late writers lose).
CREATE TABLE message_deliveries (
    message_id uuid        NOT NULL REFERENCES central_messages (id) ON DELETE CASCADE,
    agent_id   uuid        NOT NULL,
    state      text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, agent_id)
);
