"""Schema migration 018 takes away the blocking keys of a name's sound with the year of birth
alone, which linking no longer gives anyone, and leaves every other key as it was."""

import pytest
from neo4j import Driver

from common.settings import InfraSettings
from tests.support import queries
from tests.support.factories import run_tag
from tests.support.migrations import run_migration

pytestmark = pytest.mark.integration

MIGRATION = "018_no_sound_year_keys.cypher"


def test_migration_018_removes_the_sound_and_year_keys_and_keeps_the_others(
    settings: InfraSettings, neo4j_driver: Driver
) -> None:
    tag = run_tag().upper()
    year_key = f"sound_year:SN0{tag}:2010"
    kept = [f"sound_dob:SN0{tag}:2010-05-01", f"sound_daymonth:SN0{tag}:2010:01-05"]
    people = {f"person:{tag}:ava": [year_key, *kept], f"person:{tag}:bob": [year_key]}
    rows = [{"id": pid, "names": ["synth"], "keys": keys} for pid, keys in people.items()]
    neo4j_driver.execute_query(queries.PEOPLE_WITH_KEYS, people=rows)
    try:
        for _ in range(2):  # safe to run again
            run_migration(neo4j_driver, MIGRATION, database=settings.neo4j_database)

        records, _, _ = neo4j_driver.execute_query(
            queries.KEYS_OF_PEOPLE, ids=sorted(people), keys=[year_key, *kept]
        )
        held = {r["id"]: sorted(r["keys"]) for r in records}
        assert held == {f"person:{tag}:ava": sorted(kept), f"person:{tag}:bob": []}
        assert sorted(records[0]["nodes"]) == sorted(kept)
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_PEOPLE_AND_KEYS, ids=sorted(people), keys=[year_key, *kept]
        )
