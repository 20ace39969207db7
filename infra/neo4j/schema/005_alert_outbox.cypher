// The alert worker's outbox: alert changes saved and not yet acknowledged by Kafka, per topic.
CREATE INDEX alert_unpublished_outbox IF NOT EXISTS FOR (a:UnpublishedAlert) ON (a.outbox);
