"""The linking worker reads, for each mention of a batch, only the people it will rank first
(issue 15: a mention's read must not grow with everyone sharing a weak key), and the pool built
from that read ranks every mention's candidates as a pool of everyone sharing a key would."""

import asyncio
from typing import Any

import pytest
from neo4j import AsyncManagedTransaction, Driver

from common.settings import InfraSettings
from services.network.linking.graph import TransactionGraph
from services.network.matching import KnownPerson, PersonFacts
from services.network.pool import PeopleSharing, PersonPool, SharingPerson
from tests.support import queries
from tests.support.factories import run_tag
from tests.support.linking import async_driver

pytestmark = pytest.mark.integration

LIMIT = 3


def _population(tag: str) -> tuple[dict[str, list[str]], list[list[str]]]:
    """People and the keys they hold; two mentions' keys. Twelve people share only the first
    key (a weak one, such as a date of birth); a few share more; one shares a single key no one
    else has, which outweighs two keys several people have."""
    k = [f"test:{tag}:{n}" for n in range(8)]
    people = {
        "a": k[0:5],
        "b": k[0:3],
        "c": k[0:2],
        "d": [k[1], k[2]],
        "rare": [k[5]],
        **{f"weak{n:02}": [k[0]] for n in range(12)},
        "e": [k[6]],
        "f": [k[6], k[7]],
    }
    mentions = [k[0:6], [k[4], k[6], k[7]]]
    return {f"person:{tag}:{pid}": keys for pid, keys in people.items()}, mentions


def _read(settings: InfraSettings, mentions: list[list[str]]) -> PeopleSharing:
    async def work(tx: AsyncManagedTransaction) -> PeopleSharing:
        return await TransactionGraph(tx).people_sharing(mentions, max_sharing=200, limit=LIMIT)

    async def run() -> PeopleSharing:
        async with (
            async_driver(settings) as driver,
            driver.session(database=settings.neo4j_database) as session,
        ):
            found: PeopleSharing = await session.execute_write(work)
            return found

    return asyncio.run(run())


def _ranked(pool: PersonPool, keys: list[str]) -> list[str]:
    return [p.id for p in pool.candidates(keys, limit=LIMIT)]


def test_each_mention_reads_its_best_ranked_people_and_ranks_them_as_before(
    settings: InfraSettings, neo4j_driver: Driver
) -> None:
    tag = run_tag()
    people, mentions = _population(tag)
    rows: list[dict[str, Any]] = [
        {"id": pid, "names": [f"Synth {pid[-6:]}"], "keys": keys} for pid, keys in people.items()
    ]
    neo4j_driver.execute_query(queries.PEOPLE_WITH_KEYS, people=rows)
    try:
        read = _read(settings, mentions)
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_PEOPLE_AND_KEYS,
            ids=list(people),
            keys=sorted({k for keys in people.values() for k in keys}),
        )
    assert read.common == set()
    assert read.sharing[mentions[0][0]] == 15  # a, b, c and the twelve
    got = {p.id.rsplit(":", 1)[1] for p in read.people}
    # a, rare, b for the first mention (by rarity: not c or d, who share more keys than rare
    # but commoner ones); f, a, e for the second; no weak sharer.
    assert got == {"a", "rare", "b", "e", "f"}
    assert len(read.people) <= LIMIT * len(mentions)
    everyone = PersonPool(
        SharingPerson.of(KnownPerson(id=pid, facts=PersonFacts(names=("synth",))), keys)
        for pid, keys in people.items()
    )
    from_read = PersonPool.read(read)
    for keys in mentions:
        assert _ranked(from_read, keys) == _ranked(everyone, keys)
