"""Where outgoing webhooks may go: the public internet, never Plaza's own network.

Merchants, brands and developers choose the URLs Plaza POSTs to (notify URLs, brand callbacks).
Without a check, a URL naming ``127.0.0.1:6379``, a cloud metadata address or a host inside
the deployment's network would make Plaza's workers send requests there (server-side request
forgery). :func:`post` resolves the host once, refuses it if any address is not globally
routable, and connects to one of exactly those checked addresses: the check happens at connect
time, inside the HTTP connection (:class:`CheckedHTTPConnection`), so a DNS server that answers
differently the second time (rebinding) gets no second question. TLS still verifies the
certificate for the host name, and the ``Host`` header is the URL's. Redirects are not followed
and environment proxies are not used (either would connect somewhere unchecked).
``WEBHOOK_ALLOW_PRIVATE_NETWORKS`` lifts the address check for development and tests, whose
receivers listen on localhost.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection


class ForbiddenDestination(Exception):
    pass


def checked_addresses(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in the resolver's order, after refusing the host if
    any of them is not public (unless ``WEBHOOK_ALLOW_PRIVATE_NETWORKS``). One resolution."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        for address in addresses:
            if not ipaddress.ip_address(address.split("%")[0]).is_global:
                raise ForbiddenDestination(f"{host} resolves to non-public {address}")
    return addresses


class CheckedConnectionMixin:
    """A urllib3 connection whose socket goes to an address :func:`checked_addresses` allowed,
    resolved once, right here (urllib3 would otherwise resolve again on its own)."""

    def _new_conn(self) -> socket.socket:
        try:
            addresses = checked_addresses(self._dns_host, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        failure: Exception | None = None
        for address in addresses:
            try:
                return connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as exc:
                failure = ConnectTimeoutError(self, f"Connection to {self.host} timed out.")
                failure.__cause__ = exc
            except OSError as exc:
                failure = NewConnectionError(self, f"Failed to establish a new connection: {exc}")
                failure.__cause__ = exc
        raise failure or NewConnectionError(self, f"{self.host} has no address")


class CheckedHTTPConnection(CheckedConnectionMixin, HTTPConnection):
    pass


class CheckedHTTPSConnection(CheckedConnectionMixin, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = CheckedHTTPSConnection


class CheckedAdapter(HTTPAdapter):
    """A requests transport whose connections check their destination as they connect."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        raise ForbiddenDestination("webhooks are not sent through proxies")


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc from the environment
    for scheme in ("http://", "https://"):
        session.mount(scheme, CheckedAdapter())
    return session


_checked = _session()


def post(url: str, *, data: bytes, headers: dict, timeout: float) -> requests.Response:
    """POST to ``url`` if it is http(s) to public addresses only, connecting to the address
    that was checked. Raises :class:`ForbiddenDestination`, or ``requests`` errors as usual (a
    name that does not resolve fails like any unreachable host, and is retried)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ForbiddenDestination("not an http(s) URL")
    return _checked.post(url, data=data, headers=headers, timeout=timeout, allow_redirects=False)
