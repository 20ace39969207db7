// Webhook delivery: subscriptions, one job per subscription and alert event, and every attempt.
CREATE CONSTRAINT webhook_subscription_id IF NOT EXISTS FOR (s:WebhookSubscription) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT webhook_job_key IF NOT EXISTS FOR (j:WebhookJob) REQUIRE j.key IS UNIQUE;
CREATE CONSTRAINT webhook_delivery_id IF NOT EXISTS FOR (d:WebhookDelivery) REQUIRE d.id IS UNIQUE;
CREATE INDEX webhook_job_status IF NOT EXISTS FOR (j:WebhookJob) ON (j.status);
CREATE INDEX webhook_delivery_at IF NOT EXISTS FOR (d:WebhookDelivery) ON (d.at);
CREATE INDEX webhook_delivery_subscription IF NOT EXISTS FOR (d:WebhookDelivery) ON (d.subscription_id);
