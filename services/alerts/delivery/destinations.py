"""Where a webhook may be sent: checked at every delivery, against the addresses its host has
then, so a subscription cannot reach this machine, a private network or a cloud metadata
service (server-side request forgery) unless an admin named its host as allowed."""

import ipaddress
from collections.abc import Collection, Sequence
from urllib.parse import urlsplit


def refusal(url: str, *, addresses: Sequence[str], allowed_hosts: Collection[str]) -> str | None:
    """Why alerts may not be POSTed to the URL whose host resolved to `addresses`, or None.

    https only (plain http only to an allowed loopback host); every address must be public
    (not private, loopback, link-local such as 169.254.169.254, shared, multicast, reserved or
    unspecified) unless the host is one `allowed_hosts` names.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        return "not an http(s) URL"
    allowed = host in {h.lower() for h in allowed_hosts}
    if not addresses:
        return f"{host} does not resolve"
    inside = [a for a in addresses if not ipaddress.ip_address(a.split("%", 1)[0]).is_global]
    if parts.scheme == "http" and not (
        allowed and all(ipaddress.ip_address(a.split("%", 1)[0]).is_loopback for a in addresses)
    ):
        return (
            "alerts are sent over https only (plain http only to an allowed host on this machine)"
        )
    if inside and not allowed:
        return f"{host} resolves to an address that is not public ({inside[0]})"
    return None
