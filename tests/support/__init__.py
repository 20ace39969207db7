"""What the tests share, in one place; the tests themselves hold only their own set-up.

- `factories`: synthetic reports, sightings, ids and the tests' person-id key.
- `examples`: one valid event of each kind, for the schema and contract tests.
- `queries`: the Cypher the tests read and clean up with (Cypher lives only in `queries.py`).
- `linking`: running the network's linking and the alert store directly, without processes.
- `delivery`, `auditing`, `demo_graph`, `fuzzing`: alert delivery set-ups, the audit trail,
  the browser tests' demo graph, and the API fuzzing cases.
- `kafka_reading`, `serving`, `polling`: reading a topic back, serving an ASGI app on a free
  port, waiting for something the running services will do.
- `stack`: the one harness that starts a private Tessera (its own topics, grants, tokens and
  processes) for the end-to-end, browser and fault tests and the benchmarks.
- `fakes/`: in-memory stand-ins for Tessera's own ports, one module per port.

Fixtures stay in the `conftest.py` files pytest reads; they call into these modules.
"""
