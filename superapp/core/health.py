import hmac
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django_prometheus.exports import ExportToDjangoView

from superapp.core.errors import error_body
from superapp.core.tasks import HEARTBEAT_CACHE_KEY


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _redis_status() -> str:
    if not settings.REDIS_URL:
        return "not_configured"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping()
        return "ok"
    except redis.RedisError:
        return "unreachable"


def healthz(request):
    """200 when the database and (if configured) Redis answer, 503 otherwise."""
    database = "ok" if _database_ok() else "unreachable"
    redis_status = _redis_status()
    healthy = database == "ok" and redis_status != "unreachable"
    body = {
        "status": "ok" if healthy else "degraded",
        "database": database,
        "redis": redis_status,
        "celery_heartbeat": cache.get(HEARTBEAT_CACHE_KEY) if redis_status == "ok" else None,
    }
    return JsonResponse(body, status=200 if healthy else 503)


def _metrics_caller_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    scheme, _, presented = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(presented.strip(), token):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network) for network in settings.METRICS_ALLOWED_NETWORKS
    )


def metrics(request):
    """Prometheus metrics (django-prometheus) for the monitoring system only: a caller from
    ``METRICS_ALLOWED_NETWORKS`` (loopback by default) or presenting ``Authorization: Bearer
    <METRICS_TOKEN>``. Anyone else gets 404, as if there were nothing here."""
    if not _metrics_caller_allowed(request):
        return JsonResponse(error_body("not_found", "Not found."), status=404)
    return ExportToDjangoView(request)
