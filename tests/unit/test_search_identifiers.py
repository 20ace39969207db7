"""Identifiers typed into a person search are normalised exactly as the linker stores them."""

import pytest

from schemas.entities import Handle
from schemas.identifiers.handles import Platform
from services.network.analyst.analysis import identifier_id
from services.network.identities import handle_id


def test_a_searched_handle_is_the_linked_handle() -> None:
    linked = handle_id(Handle(platform=Platform.INSTAGRAM, handle="@Synth.Dean"))
    assert identifier_id(phone=None, handle="instagram:@Synth.Dean", vrm=None) == linked


def test_phone_and_vrm_are_normalised() -> None:
    assert identifier_id(phone="07700 900123", handle=None, vrm=None) == "phone:+447700900123"
    assert identifier_id(phone=None, handle=None, vrm="ab12 cde") == "vehicle:AB12CDE"


@pytest.mark.parametrize("handle", ["synth.dean", "myspace:synth.dean"])
def test_a_handle_without_a_known_platform_is_refused(handle: str) -> None:
    with pytest.raises(ValueError, match="platform:handle"):
        identifier_id(phone=None, handle=handle, vrm=None)
