// One open alert per fingerprint, whatever runs at the same time (issue 17): an alert that is not
// closed holds its fingerprint as open_fingerprint, which is unique, and a new alert is saved with
// MERGE on it (services/alerts/queries.py SAVE_ALERT). Closing an alert gives the place up, so the
// pattern can be raised again after the cool-down.
// Stores written before: of the open alerts that share a fingerprint (several writers raised one
// pattern at once), the earliest raised takes the place. The others stay as they are, open and
// workable by officers, but detection no longer updates them. Safe to re-run.
MATCH (a:Alert)
WHERE a.status <> 'closed' AND a.open_fingerprint IS NULL AND a.fingerprint IS NOT NULL
WITH a ORDER BY a.raised_at, a.id
WITH a.fingerprint AS fingerprint, collect(a)[0] AS first
WHERE NOT EXISTS { MATCH (held:Alert) WHERE held.open_fingerprint = fingerprint }
SET first.open_fingerprint = fingerprint;
CREATE CONSTRAINT alert_open_fingerprint IF NOT EXISTS
FOR (a:Alert) REQUIRE a.open_fingerprint IS UNIQUE;
// Several alert workers share one outbox: the one holding its lease publishes, one at a time, so
// every change goes out once and in order (services/alerts/outbox.py).
CREATE CONSTRAINT alert_outbox_lease IF NOT EXISTS
FOR (l:AlertOutboxLease) REQUIRE l.outbox IS UNIQUE;
