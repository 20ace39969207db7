"""Reports per second ingest accepts end to end (202 after Kafka's ack) with concurrent clients.

The ingest API runs as its own process (uvicorn, as `tessera run` starts it) on a private
topic. Clients POST the population's reports one at a time (`/v1/reports`) and in batches
(`/v1/reports:batch`). The baseline, measured in the same run, is a bare kafka-python producer
with ingest's settings (acks=all, idempotent, linger 5 ms) sending the same events straight to
a topic of its own: what Kafka and the client library allow without HTTP, validation, the token
check or the ledger. The load generator runs on the same machine as the server.

    .venv/bin/python -m bench.ingest --reports 5000 --clients 16 --batch-sizes 1,100
"""

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from kafka import KafkaProducer

from bench.profiling import Profiler
from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from schemas.reports import ReportSubmitted
from schemas.topics import TopicSpec
from tessera_cli.kafka_principals import admin_access
from tessera_cli.topics import delete_topics, ensure_topics, topic_end
from tests.support.population import AGENCIES, BENCH_USER, Population, run_tag
from tests.support.stack import PrivateStack

WARM_UP = 50


async def _post_all(
    *, url: str, headers: dict[str, str], payloads: list[tuple[bytes, int]], clients: int
) -> tuple[int, float, Counter[int]]:
    """POST every payload with `clients` concurrent connections; (accepted, seconds, statuses)."""
    statuses: Counter[int] = Counter()
    accepted = 0
    pending = iter(payloads)
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(
        connector=connector, headers=headers | {"Content-Type": "application/json"}, timeout=timeout
    ) as session:

        async def client() -> None:
            nonlocal accepted
            for body, reports in pending:  # one shared iterator: each payload is sent once
                async with session.post(url, data=body) as response:
                    await response.read()
                    statuses[response.status] += 1
                    if response.status == 202:
                        accepted += reports

        began = time.monotonic()
        await asyncio.gather(*(client() for _ in range(clients)))
        return accepted, time.monotonic() - began, statuses


def _payloads(bodies: list[dict[str, object]], batch: int) -> list[tuple[bytes, int]]:
    if batch == 1:
        return [(json.dumps(b).encode(), 1) for b in bodies]
    chunks = [bodies[i : i + batch] for i in range(0, len(bodies), batch)]
    return [(json.dumps({"reports": c}).encode(), len(c)) for c in chunks]


def bare_producer(*, access: KafkaAccess, topic: str, messages: list[tuple[bytes, bytes]]) -> float:
    """Seconds a bare acks=all idempotent producer takes to send and flush every message."""
    producer = KafkaProducer(
        **access.client_options(), acks="all", enable_idempotence=True, linger_ms=5
    )
    try:
        producer.send(topic, key=b"warm-up", value=b"{}").get(timeout=30)
        began = time.monotonic()
        futures = [producer.send(topic, key=key, value=value) for key, value in messages]
        producer.flush(timeout=120)
        for future in futures:
            future.get(timeout=30)
        return time.monotonic() - began
    finally:
        producer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--batch-sizes", default="1,100", help="comma-separated; 1 = /v1/reports")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="sample ingest with py-spy")
    args = parser.parse_args()
    settings = InfraSettings()
    kafka = admin_access(settings)
    population = Population(reports=args.reports, seed=args.seed, tag=run_tag())
    reports = list(population.reports())
    bodies: list[dict[str, object]] = [r.body for r in reports]
    now = datetime.now(UTC)
    messages = []
    for r in reports:
        event = ReportSubmitted(
            event_id=uuid.uuid4(),
            occurred_at=now,
            source_agency=AGENCIES[0],
            submitted_by=BENCH_USER,
            report=r.report,
        )
        messages.append((event.partition_key(), event.model_dump_json().encode()))
    size = sum(len(v) for _, v in messages) / len(messages)
    print(f"{len(bodies)} synthetic reports, {size:.0f} bytes each on Kafka (mean)")

    with tempfile.TemporaryDirectory(prefix="tessera-bench-ingest-") as tmp:
        workdir = Path(tmp)
        with PrivateStack(settings=settings, workdir=workdir, services=("ingest-api",)) as st:
            bare_topic = f"bench.{st.run}.bare"
            ensure_topics(
                access=kafka, specs=(TopicSpec(bare_topic, partitions=6, retention_ms=-1),)
            )
            try:
                bare_s = bare_producer(access=kafka, topic=bare_topic, messages=messages)
            finally:
                delete_topics(access=kafka, names=[bare_topic])
            bare_rate = len(messages) / bare_s
            print(f"baseline bare producer (acks=all): {bare_rate:,.0f} reports/s ({bare_s:.1f}s)")

            url = f"{st.ingest_url}/v1/reports"
            warm = _payloads(bodies[:WARM_UP], 1)
            asyncio.run(_post_all(url=url, headers=st.submitter_headers, payloads=warm, clients=4))
            acknowledged = WARM_UP
            best = 0.0
            for batch in (int(b) for b in args.batch_sizes.split(",")):
                endpoint = url if batch == 1 else f"{url}:batch"
                payloads = _payloads(bodies, batch)
                out = workdir / f"ingest-batch{batch}.raw"
                with Profiler(st.pid("ingest-api"), out, enabled=args.profile) as profiler:
                    accepted, seconds, statuses = asyncio.run(
                        _post_all(
                            url=endpoint,
                            headers=st.submitter_headers,
                            payloads=payloads,
                            clients=args.clients,
                        )
                    )
                acknowledged += accepted
                rate = accepted / seconds
                best = max(best, rate)
                what = "one report a request" if batch == 1 else f"batches of {batch}"
                print(
                    f"tessera ingest, {what}, {args.clients} clients: {rate:,.0f} reports/s "
                    f"({accepted} accepted in {seconds:.1f}s; HTTP {dict(statuses)}); "
                    f"ratio to bare producer {rate / bare_rate:.2f}"
                )
                if args.profile:
                    print("\n".join("    " + line for line in profiler.summary()))
            on_topic = topic_end(kafka, st.topics["reports"])
            print(f"acknowledged {acknowledged}, on the topic {on_topic}")
            if on_topic != acknowledged:
                raise SystemExit("the topic does not hold exactly the acknowledged reports")
            print(f"best ingest rate / bare producer: {best / bare_rate:.2f}")


if __name__ == "__main__":
    main()
