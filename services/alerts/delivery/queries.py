"""Cypher for alert delivery: the live stream and webhooks. Values are always $parameters."""

# ---- live stream

# Alerts changed after a cursor, oldest first, bar changes already sent, shown only to those who
# may see every report they cite (the rule of LIST_ALERTS). The first condition alone can use the
# updated_at index; the second breaks ties between alerts updated at the same instant.
ALERTS_CHANGED_SINCE = """
MATCH (a:Alert)
WHERE a.updated_at >= datetime($since)
  AND (a.updated_at > datetime($since) OR a.id > $after_id)
  AND NOT (a.id + '|' + toString(a.updated_at)) IN $skip
  AND all(r IN [(a)-[:CITES]->(cited:Report) | cited]
          WHERE any(x IN coalesce(r.audiences, ['all']) WHERE x IN $audiences))
RETURN a.id AS id, toString(a.updated_at) AS updated_at, a.body AS body
ORDER BY a.updated_at, a.id
LIMIT $limit
"""

# ---- webhook subscriptions (written by `tessera webhook`)

# $secret is sealed (services/alerts/delivery/sealing.py): Neo4j never holds it in plain text.
ADD_WEBHOOK_SUBSCRIPTION = """
CREATE (s:WebhookSubscription {
  id: $id, name: $name, url: $url, secret: $secret, agency: $agency, role: $role,
  active: true, created_at: datetime($created_at)
})
"""

# Everything but the secret, which is shown once when the subscription is added.
LIST_WEBHOOK_SUBSCRIPTIONS = """
MATCH (s:WebhookSubscription)
RETURN s.id AS id, s.name AS name, s.url AS url, s.agency AS agency, s.role AS role,
       s.active AS active, toString(s.created_at) AS created_at
ORDER BY s.created_at, s.id
"""

SET_WEBHOOK_ACTIVE = """
MATCH (s:WebhookSubscription {id: $id})
SET s.active = $active
RETURN s.id AS id
"""

ACTIVE_WEBHOOK_SUBSCRIPTIONS = """
MATCH (s:WebhookSubscription)
WHERE s.active
RETURN s.id AS id, s.name AS name, s.url AS url, s.secret AS secret, s.agency AS agency,
       s.role AS role, s.active AS active, toString(s.created_at) AS created_at
ORDER BY s.created_at, s.id
"""

# Secrets stored in plain text before they were sealed, and sealing them (only if unchanged, so
# two workers sealing at once agree). A sealed secret starts with $sealed_prefix.
PLAIN_WEBHOOK_SECRETS = """
MATCH (s:WebhookSubscription)
WHERE NOT s.secret STARTS WITH $sealed_prefix
RETURN s.id AS id, s.secret AS secret
"""

SEAL_WEBHOOK_SECRETS = """
UNWIND $rows AS row
MATCH (s:WebhookSubscription {id: row.id})
WHERE s.secret = row.plain
SET s.secret = row.sealed
RETURN count(s) AS sealed
"""

# ---- webhook jobs and the delivery log

# One job per subscription and alert event, created once: an event read again from the topic
# (after a restart) finds its job delivered and is not sent again.
ENQUEUE_WEBHOOK_JOBS = """
UNWIND $rows AS row
MATCH (s:WebhookSubscription {id: row.subscription_id})
MERGE (j:WebhookJob {key: row.key})
ON CREATE SET j.subscription_id = row.subscription_id, j.event_id = row.event_id,
              j.alert_id = row.alert_id, j.body = row.body, j.status = 'pending',
              j.attempts = 0, j.created_at = datetime($at)
MERGE (s)-[:HAS_JOB]->(j)
WITH j
WHERE j.status = 'pending'
RETURN j.key AS key, j.attempts AS attempts
"""

# Pending jobs no other worker holds a live lease on.
PENDING_WEBHOOK_JOBS = """
MATCH (j:WebhookJob {status: 'pending'})
WHERE j.lease_owner IS NULL OR j.lease_owner = $owner OR j.lease_until < datetime()
MATCH (s:WebhookSubscription {id: j.subscription_id})
WHERE s.active
RETURN j.event_id AS event_id, j.alert_id AS alert_id, j.body AS body, j.attempts AS attempts,
       s.id AS id, s.name AS name, s.url AS url, s.secret AS secret, s.agency AS agency,
       s.role AS role, s.active AS active, toString(s.created_at) AS created_at
ORDER BY j.created_at, j.key
LIMIT $limit
"""

# A worker claims a pending job before each attempt: taken when no one holds it, its lease
# expired (a dead worker's) or it is already this worker's, for $lease_ms from now by the
# database's clock. The write lock is taken before the lease is read, so two workers claiming
# at once queue and the second reads what the first wrote. No row: another worker has it, or it
# is settled.
CLAIM_WEBHOOK_JOB = """
MATCH (j:WebhookJob {key: $key})
SET j.claiming = true
REMOVE j.claiming
WITH j
WHERE j.status = 'pending'
  AND (j.lease_owner IS NULL OR j.lease_owner = $owner OR j.lease_until < datetime())
SET j.lease_owner = $owner, j.lease_until = datetime() + duration({milliseconds: $lease_ms})
RETURN j.attempts AS attempts
"""

# A worker that stops lets go of the jobs it holds, for the others' next sweep.
RELEASE_WEBHOOK_LEASES = """
MATCH (j:WebhookJob {status: 'pending'})
WHERE j.lease_owner = $owner
SET j.claiming = true
REMOVE j.claiming
WITH j
WHERE j.lease_owner = $owner
REMOVE j.lease_owner, j.lease_until
RETURN count(j) AS released
"""

RECORD_WEBHOOK_ATTEMPT = """
MATCH (j:WebhookJob {key: $attempt.job_key})
MERGE (d:WebhookDelivery {id: $attempt.id})
ON CREATE SET d.subscription_id = $attempt.subscription_id, d.alert_id = $attempt.alert_id,
              d.event_id = $attempt.event_id, d.attempt = $attempt.number,
              d.status_code = $attempt.status_code, d.error = $attempt.error,
              d.outcome = $attempt.outcome, d.at = datetime($attempt.at)
MERGE (j)-[:ATTEMPTED]->(d)
SET j.attempts = CASE WHEN j.attempts < $attempt.number THEN $attempt.number ELSE j.attempts END,
    j.status = coalesce($settles, j.status),
    j.settled_at = CASE WHEN $settles IS NULL THEN j.settled_at ELSE datetime($attempt.at) END
"""

LIST_WEBHOOK_DELIVERIES = """
MATCH (d:WebhookDelivery)
WHERE $subscription_id IS NULL OR d.subscription_id = $subscription_id
RETURN d.subscription_id AS subscription_id, d.alert_id AS alert_id, d.event_id AS event_id,
       d.attempt AS attempt, d.status_code AS status_code, d.error AS error,
       d.outcome AS outcome, toString(d.at) AS at
ORDER BY d.at DESC, d.id DESC
SKIP $offset LIMIT $limit
"""

COUNT_WEBHOOK_DELIVERIES = """
MATCH (d:WebhookDelivery)
WHERE $subscription_id IS NULL OR d.subscription_id = $subscription_id
RETURN count(d) AS total
"""
