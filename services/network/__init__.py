"""Network: links the people and places of each report into the Neo4j graph (`linking/`, the
worker) and lets analysts read it and decide who is who (`analyst/`, the API). What both use is
here: settings, entity ids, person matching and its model, and how a decision is applied."""
