"""The alert patterns, one folder each; `registry.py` lists their detectors.

A pattern's folder holds all of it:

- `rule.py`: the rule, free of frameworks: what it reads (a Protocol) and the candidates it raises,
  with their recommended actions (the `Action` catalogue in `services/alerts/actions.py` words
  them and gives their deadlines);
- `queries.py`: its Cypher, literal constants with $parameters;
- `graph.py`: the Neo4j adapter its rule reads through;
- `detector.py`: its runner (read, apply the rule) and its gate (which entities, with which
  profile, it runs on), declared as `DETECTORS`, one `Detector` record per entry point;
- `thresholds.py`: its settings (ALERTS_...), mixed into `services/alerts/config.Settings`.

A pattern that reads only a child's shared reads (the child, their episodes, where they were
found or seen: `services/alerts/shared_reads.py`) has no `queries.py` or `graph.py` of its own.

What several patterns share is in `services/alerts/shared/` (framework-free: the candidate,
provenance, children and their episodes, whereabouts, the place table), `detection_context.py`
and `shared_reads.py`, never in another pattern: the patterns do not import each other (an
import-linter contract). To add a pattern: its folder, one line in `registry.py`, its row in
README's table, its tests (unit for the rule, integration for the detector, an end-to-end
scenario that raises it).
"""
