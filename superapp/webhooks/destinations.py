"""Where outgoing webhooks may go: the public internet, never Plaza's own network.

Merchants, brands and developers choose the URLs Plaza POSTs to (notify URLs, brand callbacks).
Without a check, a URL naming ``127.0.0.1:6379``, a cloud metadata address or a host inside
the deployment's network would make Plaza's workers send requests there (server-side request
forgery). Each attempt resolves the host and refuses it if any address is not globally
routable. ``WEBHOOK_ALLOW_PRIVATE_NETWORKS`` lifts the check for development and tests, whose
receivers listen on localhost.

Residual risk: the HTTP client resolves the name again when it connects, so a DNS server that
answers differently the second time (rebinding) could still steer one request; an egress proxy
or firewall rule is the complete fix in production (docs/operations.md).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class ForbiddenDestination(Exception):
    pass


def check(url: str) -> None:
    """Raise :class:`ForbiddenDestination` unless ``url`` is http(s) to public addresses only.
    A name that does not resolve passes: the POST then fails and is retried like any other."""
    if settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ForbiddenDestination("not an http(s) URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port)}
    except (socket.gaierror, ValueError, UnicodeError):
        return
    for address in sorted(addresses):
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise ForbiddenDestination(f"{parts.hostname} resolves to non-public {address}")
