// Missing episodes and protective orders are keyed by the report that stated them.
CREATE CONSTRAINT missing_episode_id IF NOT EXISTS FOR (e:MissingEpisode) REQUIRE e.id IS UNIQUE;
CREATE CONSTRAINT protective_order_id IF NOT EXISTS FOR (o:ProtectiveOrder) REQUIRE o.id IS UNIQUE;
CREATE CONSTRAINT alert_history_event IF NOT EXISTS FOR (h:AlertHistory) REQUIRE h.event_id IS UNIQUE;
