"""What the tests share, in one place; a test module holds only its own cases and set-up.

- `factories`, `examples`, `population`: synthetic reports, sightings and ids; one valid event of
  each kind; a synthetic population with planted patterns (the fault tests and the benchmarks).
- `queries`: the Cypher the tests read and clean up with (Cypher lives only in `queries.py`).
- `linking`: linking, retraction, alerts and detection run directly on the real Neo4j.
- `stack`: the one harness that starts a private Tessera (its own topics, grants, ports, tokens and
  processes) for the end-to-end, browser, scale-out and fault tests and the benchmarks;
  `cleanup` removes what a run wrote to the graph.
- `scenarios`, `faults`, `browser`: what the end-to-end scenarios, the fault tests and the browser
  tests share beyond their fixtures.
- `delivery`, `auditing`, `demo_graph`, `fuzzing`, `tokens`: alert delivery set-ups, reading the
  audit back, the demo graph, the API fuzzing cases, token stores with their users' headers.
- `kafka_reading`, `serving`, `polling`: reading a topic back, serving an ASGI app on a free port,
  waiting for something the running services will do.
- `fakes/`: in-memory stand-ins for Tessera's own ports, one module per port.

Fixtures stay in the `conftest.py` files pytest reads; they call into these modules.
"""
