"""Remove what an interrupted benchmark left in Neo4j: every report the bench user submitted.

Each benchmark removes its own data when it ends; this is for a run that was killed. It shows
its progress: the reports removed, then the places and people that stay worked out again.

    .venv/bin/python -m bench.cleanup
"""

import argparse
import time

from neo4j import GraphDatabase
from rich.progress import Progress, TaskID

from bench import queries
from common.settings import InfraSettings
from tests.support.cleanup import delete_reports
from tests.support.population import BENCH_USER


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    settings = InfraSettings()
    driver = GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )
    try:
        records, _, _ = driver.execute_query(
            queries.BENCH_REPORT_IDS, user=BENCH_USER, database_=settings.neo4j_database
        )
        began = time.monotonic()
        with Progress() as bar:
            tasks: dict[str, TaskID] = {}

            def show(step: str, done: int, total: int | None) -> None:
                if step not in tasks:
                    tasks[step] = bar.add_task(f"removing {step}", total=total)
                bar.update(tasks[step], completed=done, total=total)

            deleted = delete_reports(
                driver, [r["id"] for r in records], database=settings.neo4j_database, progress=show
            )
        print(f"removed {deleted} benchmark reports in {time.monotonic() - began:.1f}s")
    finally:
        driver.close()


if __name__ == "__main__":
    main()
