// The alerts outbox keeps every change, not only an alert's latest version: each change's history
// entry holds the topic it waits for (outbox) and its event (body) until Kafka acknowledged it.
CREATE INDEX alert_history_outbox IF NOT EXISTS FOR (h:AlertHistory) ON (h.outbox);
// Changes still waiting in the old outbox (on the alert itself) move to their history entries.
MATCH (a:Alert:UnpublishedAlert)-[:HAS_HISTORY]->(h:AlertHistory)
WHERE h.event_id = a.event_id
SET h.outbox = a.outbox, h.body = a.body
REMOVE a:UnpublishedAlert, a.outbox;
DROP INDEX alert_unpublished_outbox IF EXISTS;
