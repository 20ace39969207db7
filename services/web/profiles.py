"""Children's profiles a home keeps (the Philomena protocol): kept by the home, and shared with
police only while the child is reported missing.

A home's staff (submitters of its agency) create and update their children's profiles. When they
report a child missing through the form, the report carries the profile's description,
associates, places and phone numbers into the intelligence graph, and the profile (with the
photo, which no report carries) becomes readable by police until the child is reported found:
by the police who may see that missing report (its handling code: everyone for P, the agencies
and roles its conditions name for C). Every police read (the list and each profile) states a
purpose and is recorded in the audit.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from common.audit.trail import Auditor
from common.auth import Principal, Role
from common.visibility import audiences_of
from schemas.grading import Grading
from schemas.graph import granted_audiences, role_audience
from services.web.ports import ChildProfile, ProfileStore, StoredProfile

KEEPERS = frozenset({Role.SUBMITTER})  # a home's staff keep their children's profiles
SHARED_WITH = frozenset({Role.POLICE})  # who reads a profile while the child is missing


class ProfileNotFound(Exception):
    """No such profile, or not one the caller may see (the two are not told apart)."""


class ProfileForbidden(Exception):
    """The caller's role does not keep or read profiles."""


class PurposeRequired(ValueError):
    """Police read a shared profile only for a stated purpose, which the audit records."""


def _subject(stored: StoredProfile) -> str:
    return f"profile:{stored.id}"


def _purpose(purpose: str | None) -> str:
    if not purpose:
        raise PurposeRequired("say why you are reading children's profiles (purpose)")
    return purpose


def _shared_with_caller(stored: StoredProfile, principal: Principal) -> bool:
    """Shared now, by a missing report the caller may see. A profile shared before the report's
    audiences were kept was shared with every police user, as the form then always asked."""
    if stored.shared_since is None or principal.role not in SHARED_WITH:
        return False
    granted = stored.shared_with or (role_audience(Role.POLICE.value),)
    return bool(set(granted) & set(audiences_of(principal)))


def _keeper(principal: Principal) -> None:
    if principal.role not in KEEPERS:
        raise ProfileForbidden("only a home's staff keep children's profiles")


def save_profile(
    *,
    profile_id: str | None,
    profile: ChildProfile,
    principal: Principal,
    store: ProfileStore,
    now: datetime,
    new_id: Callable[[], str],
) -> StoredProfile:
    """Create a profile, or update one of the caller's agency."""
    _keeper(principal)
    existing = store.get(profile_id) if profile_id else None
    if profile_id and (existing is None or existing.agency != principal.agency):
        raise ProfileNotFound(profile_id)
    stored = StoredProfile(
        id=existing.id if existing else new_id(),
        agency=principal.agency,
        profile=profile,
        updated_at=now,
        updated_by=principal.user,
        shared_since=existing.shared_since if existing else None,
        shared_report_id=existing.shared_report_id if existing else None,
        shared_with=existing.shared_with if existing else (),
    )
    store.put(stored)
    return stored


def list_profiles(
    *, principal: Principal, store: ProfileStore, audit: Auditor, purpose: str | None
) -> list[StoredProfile]:
    """A home's staff: their agency's profiles. Police: those shared now (children missing),
    for a stated purpose, recorded in the audit (`profiles.list`) with every profile listed."""
    if principal.role in KEEPERS:
        return store.of_agency(principal.agency)
    if principal.role in SHARED_WITH:
        stated = _purpose(purpose)
        shared = [p for p in store.shared() if _shared_with_caller(p, principal)]
        audit.record(
            reader=principal,
            action="profiles.list",
            purpose=stated,
            subject_ids=[_subject(p) for p in shared],
        )
        return shared
    raise ProfileForbidden("your role does not read children's profiles")


def read_profile(
    *,
    profile_id: str,
    principal: Principal,
    store: ProfileStore,
    audit: Auditor,
    purpose: str | None,
) -> StoredProfile:
    """One profile: the home's own, or, for police, one shared while the child is missing, for
    a stated purpose, recorded in the audit (`profile.read`)."""
    stored = store.get(profile_id)
    if stored is None:
        raise ProfileNotFound(profile_id)
    if principal.role in KEEPERS and stored.agency == principal.agency:
        return stored
    if _shared_with_caller(stored, principal):
        audit.record(
            reader=principal,
            action="profile.read",
            purpose=_purpose(purpose),
            subject_ids=[_subject(stored)],
            parameters={"shared_report_id": stored.shared_report_id},
        )
        return stored
    raise ProfileNotFound(profile_id)


def own_profile(*, profile_id: str, principal: Principal, store: ProfileStore) -> StoredProfile:
    """A profile of the caller's agency, before a report about the child is sent."""
    _keeper(principal)
    stored = store.get(profile_id)
    if stored is None or stored.agency != principal.agency:
        raise ProfileNotFound(profile_id)
    return stored


def record_reported(
    *,
    stored: StoredProfile,
    reports: list[dict[str, Any]],
    report_ids: list[str],
    store: ProfileStore,
    now: datetime,
) -> StoredProfile:
    """After ingest accepted reports about the child: a missing report shares the profile with
    the police who may see it, a found report stops sharing it."""
    updated = stored
    for report, report_id in zip(reports, report_ids, strict=True):
        event = report.get("event")
        event_type = event.get("type") if isinstance(event, dict) else None
        if event_type == "missing_reported":
            grading = Grading.model_validate(report["grading"])  # ingest accepted it
            updated = replace(
                updated,
                shared_since=now,
                shared_report_id=report_id,
                shared_with=tuple(granted_audiences(grading)),
            )
        elif event_type == "missing_ended":
            updated = replace(updated, shared_since=None, shared_report_id=None, shared_with=())
    if updated != stored:
        store.put(updated)
    return updated
