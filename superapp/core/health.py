from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

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
