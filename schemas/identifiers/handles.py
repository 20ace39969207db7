"""Social-media handles: one canonical form per platform, whatever URL or @ came with them."""

import re
from enum import StrEnum

from schemas.identifiers.phone import to_e164


class Platform(StrEnum):
    """Where a handle lives."""

    INSTAGRAM = "instagram"
    SNAPCHAT = "snapchat"
    TIKTOK = "tiktok"
    X = "x"
    FACEBOOK = "facebook"
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    OTHER = "other"


# Usernames on these platforms are case-insensitive; the patterns are their published rules.
_RULES: dict[Platform, re.Pattern[str]] = {
    Platform.INSTAGRAM: re.compile(r"[a-z0-9._]{1,30}"),
    Platform.SNAPCHAT: re.compile(r"[a-z][a-z0-9._-]{2,14}"),
    Platform.TIKTOK: re.compile(r"[a-z0-9._]{2,24}"),
    Platform.X: re.compile(r"[a-z0-9_]{1,15}"),
    Platform.FACEBOOK: re.compile(r"[a-z0-9.]{5,50}"),
    Platform.TELEGRAM: re.compile(r"[a-z][a-z0-9_]{4,31}"),
}
_URL = re.compile(
    r"^(?:https?://)?(?:www\.|m\.)?"
    r"(?:instagram\.com|snapchat\.com/add|tiktok\.com|x\.com|twitter\.com|facebook\.com|t\.me)/",
    re.IGNORECASE,
)


def normalise_handle(platform: Platform, raw: str) -> str:
    """Canonical handle for the platform; raise ValueError when the platform would not allow it."""
    handle = _URL.sub("", raw.strip()).split("?", 1)[0].strip("/").lstrip("@")
    if platform is Platform.WHATSAPP:
        return to_e164(handle)
    if platform is Platform.OTHER:
        if not handle:
            raise ValueError("the handle is empty")
        return handle
    handle = handle.casefold()
    if not _RULES[platform].fullmatch(handle):
        raise ValueError(f"not a valid {platform.value} handle: {raw!r}")
    return handle
