// Every entity also carries :Entity with a globally unique id; MatchKey finds person candidates.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE;
CREATE CONSTRAINT vehicle_id IF NOT EXISTS FOR (v:Vehicle) REQUIRE v.id IS UNIQUE;
CREATE CONSTRAINT phone_id IF NOT EXISTS FOR (p:Phone) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT handle_id IF NOT EXISTS FOR (h:Handle) REQUIRE h.id IS UNIQUE;
CREATE CONSTRAINT group_id IF NOT EXISTS FOR (g:Group) REQUIRE g.id IS UNIQUE;
CREATE CONSTRAINT match_key IF NOT EXISTS FOR (k:MatchKey) REQUIRE k.key IS UNIQUE;
CREATE CONSTRAINT audit_id IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT decision_id IF NOT EXISTS FOR (d:ResolutionDecision) REQUIRE d.id IS UNIQUE;
CREATE INDEX person_name_key IF NOT EXISTS FOR (p:Person) ON (p.name_key);
CREATE INDEX audit_at IF NOT EXISTS FOR (a:AuditEntry) ON (a.at);
// Stores written before this migration: give their people and places the Entity label.
MATCH (n) WHERE (n:Person OR n:Location) AND NOT n:Entity SET n:Entity;
