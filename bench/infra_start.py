"""Cold and warm start times of the local Kafka and Neo4j, in a scratch state folder.

Cold: empty data folders (Kafka formats its storage, Neo4j creates its stores and the first
password is set). Warm: the same data folders again after a clean stop. The cold start of the
same run is the baseline the warm figures are compared with.

    .venv/bin/python bench/infra_start.py --rounds 3
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="tessera-bench-"))
    os.environ["TESSERA_STATE_DIR"] = str(scratch)
    for lib in ("kafka-lib", "neo4j-lib"):  # reuse the fetched jars; only the data is scratch
        (scratch / lib).symlink_to(ROOT / ".infra" / lib)

    from common.settings import InfraSettings
    from tessera_cli import graph_setup, local_infra
    from tessera_cli.kafka_principals import admin_access
    from tessera_cli.processes import port_open

    settings = InfraSettings()
    # kafka-python takes about 4 s to import (it loads its protocol schemas): pay that before
    # timing, so the figures are the servers' start-up and not one client's import.
    import kafka.admin  # noqa: F401
    import neo4j  # noqa: F401

    for server in local_infra.SERVERS:
        if not local_infra.jars_ready(server):
            sys.exit(f"{server.name} jars missing: run `make jars` first")
        if any(port_open(p) for p in server.ports):
            sys.exit(f"{server.name} ports are in use: stop Tessera first (`make stop`)")

    def start_both() -> tuple[float, float]:
        began = time.monotonic()
        local_infra.start_kafka(
            secrets=Path(settings.kafka_secrets_dir), access=lambda: admin_access(settings)
        )
        kafka_s = time.monotonic() - began
        began = time.monotonic()
        local_infra.start_neo4j(
            connected=lambda: graph_setup.connected(settings),
            heap=settings.neo4j_heap,
            page_cache=settings.neo4j_page_cache,
        )
        return kafka_s, time.monotonic() - began

    figures: dict[str, list[float]] = {
        "kafka cold": [],
        "kafka warm": [],
        "neo4j cold": [],
        "neo4j warm": [],
    }
    try:
        for round_ in range(1, args.rounds + 1):
            for server in local_infra.SERVERS:
                shutil.rmtree(server.data, ignore_errors=True)
            for kind in ("cold", "warm"):
                kafka_s, neo4j_s = start_both()
                figures[f"kafka {kind}"].append(kafka_s)
                figures[f"neo4j {kind}"].append(neo4j_s)
                local_infra.stop_all()
            print(f"round {round_}: " + ", ".join(f"{k} {v[-1]:.1f}s" for k, v in figures.items()))
    finally:
        local_infra.stop_all()
    print(f"\nmedian of {args.rounds} rounds (seconds until healthy):")
    for name in ("kafka", "neo4j"):
        cold = statistics.median(figures[f"{name} cold"])
        warm = statistics.median(figures[f"{name} warm"])
        print(f"  {name}: cold {cold:.1f}s, warm {warm:.1f}s, warm/cold {warm / cold:.2f}")


if __name__ == "__main__":
    main()
