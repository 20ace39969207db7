"""Identifier normalisers, table-driven."""

import pytest

from schemas.identifiers.handles import Platform, normalise_handle
from schemas.identifiers.names import name_tokens, normalise_name, phonetic_key
from schemas.identifiers.phone import to_e164
from schemas.identifiers.postcode import parse_postcode
from schemas.identifiers.vrm import VrmFormat, parse_vrm


@pytest.mark.parametrize(
    ("raw", "mark", "kind"),
    [
        ("AB12 CDE", "AB12CDE", VrmFormat.CURRENT),
        ("ab12cde", "AB12CDE", VrmFormat.CURRENT),
        (" ab12-cde ", "AB12CDE", VrmFormat.CURRENT),
        ("A123 BCD", "A123BCD", VrmFormat.PREFIX),
        ("ABC 123D", "ABC123D", VrmFormat.SUFFIX),
        ("ABC 1234", "ABC1234", VrmFormat.DATELESS),
        ("1 ABC", "1ABC", VrmFormat.DATELESS),
        ("AB12 C??", "AB12C??", VrmFormat.PARTIAL),
        ("ab1", "AB1", VrmFormat.DATELESS),
        ("ZZ5", "ZZ5", VrmFormat.DATELESS),
    ],
)
def test_vehicle_registrations(raw: str, mark: str, kind: VrmFormat) -> None:
    vrm = parse_vrm(raw)
    assert (vrm.mark, vrm.format) == (mark, kind)
    assert vrm.partial is (kind is VrmFormat.PARTIAL)


@pytest.mark.parametrize("raw", ["", "A", "AB12 CDE!", "ABCDEFGHIJ", "??"])
def test_rejects_what_cannot_be_a_registration(raw: str) -> None:
    with pytest.raises(ValueError, match="not a UK vehicle registration"):
        parse_vrm(raw)


@pytest.mark.parametrize(
    ("raw", "value", "partial"),
    [
        ("ZZ99 1AA", "ZZ99 1AA", False),
        ("zz991aa", "ZZ99 1AA", False),
        (" zz99  1aa ", "ZZ99 1AA", False),
        ("M1 1AE", "M1 1AE", False),
        ("B33 8TH", "B33 8TH", False),
        ("CR2 6XH", "CR2 6XH", False),
        ("DN55 1PT", "DN55 1PT", False),
        ("EC1A 1BB", "EC1A 1BB", False),
        ("W1A 0AX", "W1A 0AX", False),
        ("GIR 0AA", "GIR 0AA", False),
        ("zz99", "ZZ99", True),
        ("EC1A", "EC1A", True),
    ],
)
def test_postcodes(raw: str, value: str, partial: bool) -> None:
    postcode = parse_postcode(raw)
    assert (postcode.value, postcode.partial) == (value, partial)


@pytest.mark.parametrize("raw", ["", "12345", "ZZ99 1A", "ZZ99 AAA", "Z"])
def test_rejects_what_cannot_be_a_postcode(raw: str) -> None:
    with pytest.raises(ValueError, match="not a UK postcode"):
        parse_postcode(raw)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("0044 7700 900123", "+447700900123"),
        ("(0)7700-900-123", "+447700900123"),
        ("020 7946 0123", "+442079460123"),
        ("0113 496 0000", "+441134960000"),
        ("+353 1 234 5678", "+35312345678"),
    ],
)
def test_phone_numbers_to_e164(raw: str, e164: str) -> None:
    assert to_e164(raw) == e164


@pytest.mark.parametrize("raw", ["", "12345", "07700 9001234", "not a number"])
def test_rejects_what_cannot_be_a_phone_number(raw: str) -> None:
    with pytest.raises(ValueError, match="phone number"):
        to_e164(raw)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Dean Walsh", "dean walsh"),
        ("  DEAN   walsh ", "dean walsh"),
        ("Zoë Ñúñez", "zoe nunez"),
        ("D. Walsh", "d walsh"),
        ("Anne-Marie O'Neil", "anne-marie o'neil"),
    ],
)
def test_person_names(raw: str, normal: str) -> None:
    assert normalise_name(raw) == normal


def test_name_tokens_split_hyphens_and_drop_apostrophes() -> None:
    assert name_tokens("Anne-Marie O'Neil") == ["anne", "marie", "oneil"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Dean Walsh", "Walsh Dean"),  # swapped first and last names
        ("Dean Walsh", "Dean Welsh"),  # a vowel misheard
        ("Zoë Smith", "Zoe Smyth"),
        ("Katie Synth", "Catie Synth"),
    ],
)
def test_phonetic_key_survives_order_and_spelling(a: str, b: str) -> None:
    assert phonetic_key(a) == phonetic_key(b)


def test_phonetic_key_separates_different_names() -> None:
    assert phonetic_key("Dean Walsh") != phonetic_key("Sean Marsh")


@pytest.mark.parametrize(
    ("platform", "raw", "handle"),
    [
        (Platform.INSTAGRAM, "@Synthetic.Example", "synthetic.example"),
        (Platform.INSTAGRAM, "https://www.instagram.com/synthetic_1/?hl=en", "synthetic_1"),
        (Platform.SNAPCHAT, "https://www.snapchat.com/add/Syn-Chat", "syn-chat"),
        (Platform.TIKTOK, "@syn.tok", "syn.tok"),
        (Platform.X, "https://twitter.com/Syn_X", "syn_x"),
        (Platform.X, "x.com/syn_x", "syn_x"),
        (Platform.TELEGRAM, "t.me/synthetic_tg", "synthetic_tg"),
        (Platform.WHATSAPP, "07700 900123", "+447700900123"),
        (Platform.OTHER, "  Some Handle ", "Some Handle"),
    ],
)
def test_social_handles_per_platform(platform: Platform, raw: str, handle: str) -> None:
    assert normalise_handle(platform, raw) == handle


@pytest.mark.parametrize(
    ("platform", "raw"),
    [
        (Platform.X, "this_handle_is_far_too_long"),
        (Platform.INSTAGRAM, "no spaces allowed"),
        (Platform.SNAPCHAT, "1starts_with_digit"),
        (Platform.OTHER, "@"),
    ],
)
def test_rejects_handles_the_platform_would_not_allow(platform: Platform, raw: str) -> None:
    with pytest.raises(ValueError):
        normalise_handle(platform, raw)
