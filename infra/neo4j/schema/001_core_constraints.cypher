// Uniqueness for every key the services MERGE on, and the indexes their reads need.
CREATE CONSTRAINT report_id IF NOT EXISTS FOR (r:Report) REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT location_id IF NOT EXISTS FOR (l:Location) REQUIRE l.id IS UNIQUE;
CREATE CONSTRAINT alert_id IF NOT EXISTS FOR (a:Alert) REQUIRE a.id IS UNIQUE;
CREATE INDEX report_observed_at IF NOT EXISTS FOR (r:Report) ON (r.observed_at);
CREATE INDEX alert_fingerprint IF NOT EXISTS FOR (a:Alert) ON (a.fingerprint);
CREATE INDEX alert_updated_at IF NOT EXISTS FOR (a:Alert) ON (a.updated_at);
