"""Alert delivery without a network: who may see an alert, signatures, the stream's cursor and
polling, webhook retries and concurrency, the audit of every delivery and streamed batch, and
the HTTP adapter's guards."""

import asyncio
import hashlib
import hmac
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from common.audit.trail import AuditUnavailable
from common.auth import Role, TokenStore
from schemas.alerts import AlertRaised, AlertStatus, AlertSubject, AlertType, Evidence, Priority
from services.alerts.audited import AuditedDeliveries
from services.alerts.delivery.deps import get_alert_feed, get_webhook_store
from services.alerts.delivery.notify import (
    Dispatcher,
    RetryPolicy,
    deliver,
    enqueue_alerts,
    headers,
    sign,
    subscribers,
    verify,
)
from services.alerts.delivery.ports import (
    Attempt,
    ChangedAlert,
    Cursor,
    DeliveryJob,
    FeedUnavailable,
    InvalidCursor,
    JobStatus,
    PostResult,
    Subscription,
)
from services.alerts.delivery.store import DeliveryRecord
from services.alerts.delivery.stream import follow_alerts
from services.alerts.delivery.visibility import may_see
from services.alerts.main import create_app
from tessera_cli.webhooks import InvalidWebhookUrl, check_url
from tests.support.factories import NOW
from tests.support.fakes.audit import FakeAudit

POLICE = ["all", "agency:Synthetic Police", "role:police"]
PURPOSE = {"purpose": "unit test of the alert stream"}
OTHER_FORCE = ["all", "agency:Synthetic Other Force", "role:police"]
SECRET = "whsec_test"  # noqa: S105 - a test value


def _alert(
    *visibility: tuple[str, ...], reports: int | None = None, at: datetime = NOW, i: int = 1
) -> AlertRaised:
    cited = len(visibility) if reports is None else reports
    return AlertRaised(
        event_id=uuid4(),
        occurred_at=at,
        alert_id=UUID(int=i),
        type=AlertType.SHARED_HOTSPOT,
        fingerprint=f"shared_hotspot:location:{i}",
        status=AlertStatus.OPEN,
        priority=Priority.MEDIUM,
        summary="3 young people linked to Synthetic Park",
        subjects=(),
        evidence=tuple(Evidence(report_id=UUID(int=100 + n), observed_at=at) for n in range(cited)),
        raised_at=at,
        updated_at=at,
        visibility=visibility,
    )


# ---- may_see


@pytest.mark.parametrize(
    ("visibility", "reports", "audiences", "expected"),
    [
        ((("all",),), None, POLICE, True),
        ((("agency:Synthetic Home A", "agency:Synthetic Police"),), None, POLICE, True),
        ((("agency:Synthetic Home A", "agency:Synthetic Police"),), None, OTHER_FORCE, False),
        ((("agency:Synthetic Home A", "role:police"),), None, OTHER_FORCE, True),
        ((("all",), ("agency:Synthetic Home A",)), None, POLICE, False),  # every report counts
        ((("all",), ("agency:Synthetic Police",)), None, POLICE, True),
        ((), 0, POLICE, True),  # cites nothing: nothing restricts it
        ((), 1, POLICE, False),  # cites a report but says nothing of it: fail closed
        ((("all",),), 2, POLICE, False),  # one cited report without its audiences
        (((),), None, POLICE, False),  # a report nobody may see
    ],
)
def test_may_see_needs_an_audience_in_every_cited_reports_list(
    visibility: tuple[tuple[str, ...], ...],
    reports: int | None,
    audiences: list[str],
    expected: bool,
) -> None:
    assert may_see(_alert(*visibility, reports=reports), audiences) is expected


# ---- signatures


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = b'{"alert_id":"1"}'
    expected = hmac.new(b"whsec_test", b'1700000000.{"alert_id":"1"}', hashlib.sha256).hexdigest()
    assert sign("whsec_test", 1700000000, body) == f"v1={expected}"


def _verifies(
    *,
    secret: str = SECRET,
    at: str = "1700000000",
    body: bytes = b"{}",
    now: int = 1700000000,
) -> bool:
    signature = sign(SECRET, 1700000000, b"{}")
    return verify(secret=secret, timestamp=at, body=body, signature=signature, now=now)


def test_a_receiver_verifies_the_signature_and_the_timestamp() -> None:
    assert _verifies(now=1700000010)
    assert not _verifies(secret=SECRET + "x")
    assert not _verifies(body=b'{"a":2}')
    assert not _verifies(now=1700000301)  # a replay, too late
    assert not _verifies(at="soon")


def _subscription(
    agency: str = "Synthetic Police", *, sid: str = "s1", **kw: object
) -> Subscription:
    values: dict[str, object] = {
        "id": sid,
        "name": f"receiver {sid}",
        "url": f"https://receiver.invalid/{sid}",
        "secret": "whsec_test",
        "agency": agency,
        "role": "police",
        "active": True,
        "created_at": NOW - timedelta(days=1),
    } | kw
    return Subscription(**values)  # type: ignore[arg-type]


def test_each_attempt_carries_the_event_id_and_a_signature_of_its_own_time() -> None:
    job = DeliveryJob(subscription=_subscription(), event_id="e1", alert_id="a1", body=b"{}")
    sent = headers(job, timestamp=1700000000)
    assert sent["Tessera-Event-Id"] == "e1"
    assert sent["Tessera-Timestamp"] == "1700000000"
    assert sent["Tessera-Signature"] == sign("whsec_test", 1700000000, b"{}")
    assert "whsec_test" not in repr(job)


def test_only_active_subscriptions_allowed_to_see_the_alert_receive_it() -> None:
    restricted = _alert(("agency:Synthetic Home A", "agency:Synthetic Police"))
    subs = [
        _subscription(sid="police"),
        _subscription("Synthetic Other Force", sid="other"),
        _subscription(sid="off", active=False),
        _subscription(sid="new", created_at=NOW + timedelta(seconds=1)),
    ]
    assert [s.id for s in subscribers(restricted, subs)] == ["police"]
    assert [s.id for s in subscribers(_alert(("all",)), subs)] == ["police", "other"]


class FakeJobs:
    """Subscriptions and the jobs kept for them; counts the reads of the subscriptions."""

    def __init__(self, subscriptions: list[Subscription]) -> None:
        self.subscriptions = subscriptions
        self.reads = 0
        self.kept: list[tuple[str, str]] = []

    async def active_subscriptions(self) -> list[Subscription]:
        self.reads += 1
        return self.subscriptions

    async def enqueue(self, jobs: Sequence[DeliveryJob], *, at: datetime) -> list[DeliveryJob]:
        self.kept.extend((j.event_id, j.subscription.id) for j in jobs)
        return list(jobs)

    async def pending(self) -> list[DeliveryJob]:
        return []

    async def claim(self, job: DeliveryJob) -> int | None:
        return 0

    async def record_attempt(self, attempt: Attempt, *, settles: JobStatus | None) -> None:
        return None


def test_a_batch_of_alerts_reads_the_subscriptions_once_and_keeps_only_allowed_jobs() -> None:
    store = FakeJobs(
        [_subscription(sid="police"), _subscription("Synthetic Other Force", sid="other")]
    )
    open_to_all = _alert(("all",), i=1)
    restricted = _alert(("agency:Synthetic Home A", "agency:Synthetic Police"), i=2)

    jobs = asyncio.run(enqueue_alerts(alerts=[open_to_all, restricted], store=store, now=NOW))

    assert store.reads == 1
    assert [(j.event_id, j.subscription.id) for j in jobs] == [
        (str(open_to_all.event_id), "police"),
        (str(open_to_all.event_id), "other"),
        (str(restricted.event_id), "police"),
    ]
    assert jobs[0].body == open_to_all.model_dump_json().encode()
    assert jobs[2].body == restricted.model_dump_json().encode()


def test_no_alerts_read_nothing() -> None:
    store = FakeJobs([_subscription()])
    assert asyncio.run(enqueue_alerts(alerts=[], store=store, now=NOW)) == []
    assert store.reads == 0


# ---- webhook delivery


class FakePoster:
    def __init__(self, answers: list[PostResult]) -> None:
        self.answers = answers
        self.sent: list[Mapping[str, str]] = []

    async def post(self, url: str, *, body: bytes, headers: Mapping[str, str]) -> PostResult:
        self.sent.append(headers)
        return self.answers.pop(0)


class FakeStore:
    """The delivery log of one job; `taken` says another worker holds it from then on."""

    def __init__(self, *, made: int = 0) -> None:
        self.attempts: list[tuple[Attempt, JobStatus | None]] = []
        self.made = made  # attempts the store counted before these
        self.taken = False

    async def claim(self, job: DeliveryJob) -> int | None:
        return None if self.taken else self.made + len(self.attempts)

    async def record_attempt(self, attempt: Attempt, *, settles: JobStatus | None) -> None:
        self.attempts.append((attempt, settles))


class FakeDeliveryAudit:
    """Records each attempt it is told of; `down` refuses like an audit that cannot be written."""

    def __init__(self) -> None:
        self.recorded: list[tuple[str, int]] = []
        self.down = False

    async def record_delivery(self, job: DeliveryJob, *, attempt: int) -> None:
        if self.down:
            raise AuditUnavailable("the audit is down (fake)")
        self.recorded.append((job.event_id, attempt))


async def _deliver(
    answers: list[PostResult], *, attempts: int = 0, audit: FakeDeliveryAudit | None = None
) -> tuple[JobStatus, FakeStore, list[float]]:
    store, waits = FakeStore(made=attempts), []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    job = DeliveryJob(
        subscription=_subscription(), event_id="e1", alert_id="a1", body=b"{}", attempts=attempts
    )
    status = await deliver(
        job=job,
        poster=FakePoster(answers),
        store=store,
        audit=audit or FakeDeliveryAudit(),
        policy=RetryPolicy(max_attempts=5, base_wait_s=0.5, max_wait_s=3.0),
        clock=lambda: NOW,
        sleep=sleep,
    )
    return status, store, waits


def test_every_attempt_is_audited_before_it_is_made() -> None:
    audit = FakeDeliveryAudit()
    status, store, _ = asyncio.run(_deliver([PostResult(503), PostResult(200)], audit=audit))
    assert status is JobStatus.DELIVERED
    assert audit.recorded == [("e1", 1), ("e1", 2)]


def test_an_attempt_that_cannot_be_audited_is_not_made_and_the_job_stays_pending() -> None:
    audit, poster, store = FakeDeliveryAudit(), FakePoster([PostResult(200)]), FakeStore()
    audit.down = True
    job = DeliveryJob(subscription=_subscription(), event_id="e1", alert_id="a1", body=b"{}")
    with pytest.raises(AuditUnavailable):
        asyncio.run(
            deliver(
                job=job,
                poster=poster,
                store=store,
                audit=audit,
                policy=RetryPolicy(),
                clock=lambda: NOW,
                sleep=asyncio.sleep,
            )
        )
    assert poster.sent == [] and store.attempts == []  # nothing sent, nothing settled


def test_a_delivery_is_audited_as_read_by_the_subscriptions_agency() -> None:
    audit = FakeAudit()
    alert = _alert(("all",)).model_copy(
        update={"subjects": (AlertSubject(kind="person", id="person:ava", display_name="Ava"),)}
    )
    job = DeliveryJob(
        subscription=_subscription("Synthetic MASH", sid="s7"),
        event_id=str(alert.event_id),
        alert_id=str(alert.alert_id),
        body=alert.model_dump_json().encode(),
    )
    asyncio.run(AuditedDeliveries(audit.trail).record_delivery(job, attempt=2))
    (entry,) = audit.entries
    assert (entry.user, entry.agency, entry.role) == ("webhook:s7", "Synthetic MASH", "police")
    assert (entry.action, entry.subject_ids) == ("webhook.delivery", ("person:ava",))
    assert "receiver s7" in entry.purpose
    assert {"attempt=2", "subscription=s7", f"event_id={alert.event_id}"} <= set(entry.parameters)


def test_5xx_and_connection_errors_are_retried_with_exponential_backoff() -> None:
    answers = [PostResult(500), PostResult(error="ConnectError"), PostResult(429), PostResult(200)]
    status, store, waits = asyncio.run(_deliver(answers))
    assert status is JobStatus.DELIVERED
    assert [(a.number, a.outcome, s) for a, s in store.attempts] == [
        (1, "retry", None),
        (2, "retry", None),
        (3, "retry", None),
        (4, "delivered", JobStatus.DELIVERED),
    ]
    assert store.attempts[1][0].error == "ConnectError"
    assert waits == [0.5, 1.0, 2.0]


def test_a_4xx_is_not_retried() -> None:
    status, store, waits = asyncio.run(_deliver([PostResult(410)]))
    assert status is JobStatus.REJECTED
    assert [(a.status_code, a.outcome) for a, _ in store.attempts] == [(410, "rejected")]
    assert waits == []


def test_delivery_gives_up_after_the_last_attempt() -> None:
    status, store, waits = asyncio.run(_deliver([PostResult(503)] * 5))
    assert status is JobStatus.FAILED
    assert [s for _, s in store.attempts] == [None, None, None, None, JobStatus.FAILED]
    assert waits == [0.5, 1.0, 2.0, 3.0]  # capped at the max wait


def test_a_job_resumed_after_a_restart_keeps_counting_its_attempts() -> None:
    status, store, _ = asyncio.run(_deliver([PostResult(503), PostResult(503)], attempts=3))
    assert status is JobStatus.FAILED
    assert [a.number for a, _ in store.attempts] == [4, 5]


def test_a_job_another_worker_holds_is_not_sent() -> None:
    store, poster, audit = FakeStore(), FakePoster([PostResult(200)]), FakeDeliveryAudit()
    store.taken = True
    job = DeliveryJob(subscription=_subscription(), event_id="e1", alert_id="a1", body=b"{}")
    status = asyncio.run(
        deliver(
            job=job,
            poster=poster,
            store=store,
            audit=audit,
            policy=RetryPolicy(),
            clock=lambda: NOW,
            sleep=asyncio.sleep,
        )
    )
    assert status is JobStatus.PENDING
    assert poster.sent == [] and audit.recorded == [] and store.attempts == []


def test_a_job_taken_over_between_attempts_is_left_to_the_worker_that_took_it() -> None:
    store, poster = FakeStore(), FakePoster([PostResult(503), PostResult(200)])

    async def sleep(_: float) -> None:
        store.taken = True  # the lease ran out while this worker waited; another claimed it

    job = DeliveryJob(subscription=_subscription(), event_id="e1", alert_id="a1", body=b"{}")
    status = asyncio.run(
        deliver(
            job=job,
            poster=poster,
            store=store,
            audit=FakeDeliveryAudit(),
            policy=RetryPolicy(),
            clock=lambda: NOW,
            sleep=sleep,
        )
    )
    assert status is JobStatus.PENDING
    assert len(poster.sent) == 1 and [a.outcome for a, _ in store.attempts] == ["retry"]


def test_attempts_are_numbered_as_the_store_counts_them() -> None:
    """A job read before another worker made attempts at it carries on from the store's count."""
    store, poster = FakeStore(made=2), FakePoster([PostResult(200)])
    job = DeliveryJob(subscription=_subscription(), event_id="e1", alert_id="a1", body=b"{}")
    asyncio.run(
        deliver(
            job=job,
            poster=poster,
            store=store,
            audit=FakeDeliveryAudit(),
            policy=RetryPolicy(),
            clock=lambda: NOW,
            sleep=asyncio.sleep,
        )
    )
    assert [(a.number, a.outcome) for a, _ in store.attempts] == [(3, "delivered")]


def test_a_slow_receiver_does_not_hold_up_the_others_and_each_keeps_its_order() -> None:
    async def scenario() -> list[str]:
        stuck, done = asyncio.Event(), []

        async def run(job: DeliveryJob) -> None:
            if job.subscription.id == "slow":
                await stuck.wait()
            done.append(f"{job.subscription.id}:{job.event_id}")

        dispatcher = Dispatcher(run=run)
        for sid, event in [("slow", "e1"), ("fast", "e1"), ("fast", "e2"), ("slow", "e2")]:
            job = DeliveryJob(
                subscription=_subscription(sid=sid), event_id=event, alert_id="a", body=b""
            )
            assert dispatcher.submit(job)
        assert not dispatcher.submit(job)  # already queued
        await asyncio.sleep(0.01)
        fast_done = list(done)
        stuck.set()
        await dispatcher.idle()
        return fast_done + ["|"] + done

    assert asyncio.run(scenario()) == [
        "fast:e1",
        "fast:e2",
        "|",
        "fast:e1",
        "fast:e2",
        "slow:e1",
        "slow:e2",
    ]


def test_a_failing_job_does_not_stop_its_subscriptions_queue() -> None:
    async def scenario() -> list[str]:
        done: list[str] = []

        async def run(job: DeliveryJob) -> None:
            if job.event_id == "bad":
                raise RuntimeError("a bug")
            done.append(job.event_id)

        dispatcher = Dispatcher(run=run)
        for event in ("bad", "good"):
            dispatcher.submit(
                DeliveryJob(subscription=_subscription(), event_id=event, alert_id="a", body=b"")
            )
        await dispatcher.idle()
        return done

    assert asyncio.run(scenario()) == ["good"]


# ---- the stream


def test_a_cursor_is_the_update_time_and_the_alert_id_and_reads_back() -> None:
    cursor = Cursor(NOW, str(UUID(int=7)))
    assert str(cursor) == f"2026-11-23T12:00:00+00:00|{UUID(int=7)}"
    assert Cursor.parse(str(cursor)) == cursor
    assert Cursor.parse("2026-11-23T12:00:00Z|") == Cursor(NOW)


@pytest.mark.parametrize(
    "text",
    ["", "yesterday|x", "2026-11-23T12:00:00|", "2026-11-23T12:00:00Z", "2026-11-23T12:00:00Z|x"],
)
def test_a_cursor_we_did_not_write_is_refused(text: str) -> None:
    with pytest.raises(InvalidCursor):
        Cursor.parse(text)


class FakeFeed:
    """Alerts by (updated_at, id); answers as the Cypher does."""

    def __init__(self, alerts: list[AlertRaised]) -> None:
        self.alerts = alerts
        self.outage = 0

    async def changed_since(
        self, *, since: Cursor, audiences: Sequence[str], skip: Collection[str], limit: int
    ) -> list[ChangedAlert]:
        if self.outage:
            self.outage -= 1
            raise FeedUnavailable("down")
        found = [
            ChangedAlert(cursor=c, key=str(c), alert=a)
            for a in self.alerts
            if (c := Cursor(a.updated_at, str(a.alert_id))) > since and str(c) not in skip
        ]
        return sorted(found, key=lambda c: c.cursor)[:limit]


async def _follow(
    feed: FakeFeed,
    start: Cursor,
    *,
    polls: int,
    between: list[AlertRaised] | None = None,
    recorded: list[list[str]] | None = None,
) -> list[str]:
    got: list[str] = []
    count = 0

    async def record(alerts: Sequence[AlertRaised]) -> None:
        if recorded is not None:
            recorded.append([str(a.alert_id) for a in alerts])

    async def sleep(_: float) -> None:
        nonlocal count
        count += 1
        if count == 1 and between:
            feed.alerts.extend(between)
        if count >= polls:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        async for change in follow_alerts(
            feed=feed,
            audiences=POLICE,
            start=start,
            poll_s=0.5,
            overlap=timedelta(seconds=5),
            batch=2,
            sleep=sleep,
            record=record,
        ):
            got.append(str(change.cursor))
    return got


def test_the_stream_sends_changes_after_its_start_in_order_and_only_what_the_caller_may_see() -> (
    None
):
    before = _alert(("all",), at=NOW - timedelta(seconds=1), i=1)
    seen = [_alert(("all",), at=NOW + timedelta(seconds=n), i=10 + n) for n in range(3)]
    hidden = _alert(("agency:Synthetic Home A",), at=NOW + timedelta(seconds=1), i=5)
    got = asyncio.run(_follow(FakeFeed([before, hidden, *seen]), Cursor(NOW), polls=2))
    assert got == [str(Cursor(a.updated_at, str(a.alert_id))) for a in seen]


def test_the_stream_resumes_after_its_cursor() -> None:
    alerts = [_alert(("all",), at=NOW, i=n) for n in (1, 2, 3)]
    got = asyncio.run(_follow(FakeFeed(alerts), Cursor(NOW, str(UUID(int=2))), polls=2))
    assert got == [str(Cursor(NOW, str(UUID(int=3))))]


def test_an_alert_committed_late_with_an_earlier_time_still_arrives_once() -> None:
    first = _alert(("all",), at=NOW + timedelta(seconds=3), i=1)
    late = _alert(("all",), at=NOW + timedelta(seconds=2), i=2)  # stamped before, seen after
    got = asyncio.run(_follow(FakeFeed([first]), Cursor(NOW), polls=4, between=[late]))
    assert got == [str(Cursor(a.updated_at, str(a.alert_id))) for a in (first, late)]


def test_each_batch_the_stream_sends_is_recorded_first_with_only_what_it_sends() -> None:
    seen = [_alert(("all",), at=NOW + timedelta(seconds=n), i=10 + n) for n in range(3)]
    hidden = _alert(("agency:Synthetic Home A",), at=NOW + timedelta(seconds=1), i=5)
    recorded: list[list[str]] = []
    got = asyncio.run(_follow(FakeFeed([hidden, *seen]), Cursor(NOW), polls=2, recorded=recorded))
    assert len(got) == 3
    # batches of 2 as the store answers them; the hidden alert is neither sent nor recorded
    assert recorded == [[str(UUID(int=10))], [str(UUID(int=11)), str(UUID(int=12))]]


def test_the_stream_ends_unsent_when_a_batch_cannot_be_recorded() -> None:
    async def refuse(alerts: Sequence[AlertRaised]) -> None:
        raise AuditUnavailable("the audit is down (fake)")

    async def follow() -> list[ChangedAlert]:
        return [
            change
            async for change in follow_alerts(
                feed=FakeFeed([_alert(("all",), at=NOW + timedelta(seconds=1))]),
                audiences=POLICE,
                start=Cursor(NOW),
                poll_s=0.5,
                overlap=timedelta(seconds=5),
                batch=2,
                sleep=asyncio.sleep,
                record=refuse,
            )
        ]

    with pytest.raises(AuditUnavailable):
        asyncio.run(follow())


def test_the_stream_survives_an_outage_of_the_store() -> None:
    feed = FakeFeed([_alert(("all",), at=NOW + timedelta(seconds=1))])
    feed.outage = 2
    assert len(asyncio.run(_follow(feed, Cursor(NOW), polls=4))) == 1


# ---- the HTTP adapter


def _client(tmp_path: Path, role: Role) -> tuple[TestClient, dict[str, str]]:
    tokens = TokenStore(tmp_path / "users.json")
    app = create_app()
    app.state.token_store = tokens
    app.state.audit_trail = FakeAudit().trail
    app.dependency_overrides[get_webhook_store] = lambda: FakeDeliveryLog()
    app.dependency_overrides[get_alert_feed] = lambda: FakeFeed([])
    tokens.add_agency("Synthetic Police")
    token = tokens.issue(user="someone", agency="Synthetic Police", role=role)
    return TestClient(app), {"Authorization": f"Bearer {token}"}


class FakeDeliveryLog:
    async def deliveries(
        self, *, subscription_id: str | None, offset: int, limit: int
    ) -> tuple[list[DeliveryRecord], int]:
        record = DeliveryRecord(
            subscription_id=subscription_id or "s1",
            alert_id="a1",
            event_id="e1",
            attempt=1,
            status_code=500,
            error=None,
            outcome="retry",
            at=NOW,
        )
        return [record] * min(limit, 3 - offset), 3


def test_submitters_may_not_open_the_stream(tmp_path: Path) -> None:
    client, auth = _client(tmp_path, Role.SUBMITTER)
    assert client.get("/v1/alerts/stream", params=PURPOSE, headers=auth).status_code == 403


def test_a_last_event_id_we_did_not_write_is_a_422(tmp_path: Path) -> None:
    client, auth = _client(tmp_path, Role.POLICE)
    response = client.get(
        "/v1/alerts/stream", params=PURPOSE, headers=auth | {"Last-Event-ID": "42"}
    )
    assert response.status_code == 422
    assert "cursor" in response.text


def test_the_stream_needs_a_purpose(tmp_path: Path) -> None:
    client, auth = _client(tmp_path, Role.POLICE)
    response = client.get("/v1/alerts/stream", headers=auth)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "purpose"]


def test_only_admins_read_the_delivery_log_a_page_at_a_time(tmp_path: Path) -> None:
    client, auth = _client(tmp_path, Role.POLICE)
    assert client.get("/v1/webhooks/deliveries", headers=auth).status_code == 403
    client, auth = _client(tmp_path / "admin", Role.ADMIN)
    page = client.get(
        "/v1/webhooks/deliveries", params={"subscription": "s9", "limit": 2}, headers=auth
    ).json()
    assert (page["total"], page["next_offset"], len(page["items"])) == (3, 2, 2)
    assert page["items"][0]["subscription_id"] == "s9"
    assert "secret" not in str(page)


# ---- the CLI's URL rule


@pytest.mark.parametrize(
    "url", ["https://mash.example/hooks", "http://127.0.0.1:8080/hook", "http://localhost/x"]
)
def test_webhooks_go_over_https_or_to_this_machine(url: str) -> None:
    assert check_url(url) == url


@pytest.mark.parametrize("url", ["http://mash.example/hooks", "ftp://127.0.0.1/x", "https://"])
def test_other_webhook_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidWebhookUrl):
        check_url(url)
