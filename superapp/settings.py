"""Plaza settings, all read from the environment.

With nothing set Plaza runs embedded: SQLite file, in-memory channel layer, local-memory cache and
Celery tasks executed eagerly. Setting ``DATABASE_URL`` and ``REDIS_URL`` switches the same code to
PostgreSQL, the Redis channel layer and cache, and a real Celery broker. docs/operations.md lists
every setting.
"""

from datetime import timedelta
from pathlib import Path

import environ

from miniprograms.oidc_keys import load_or_create_private_key
from superapp.webapp.headers import add_app_headers, is_immutable_app_file

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="plaza-insecure-development-key-change-me-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api|o)/.*$"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# Under ASGI every request runs its sync code in a fresh thread, so per-thread persistent
# connections never get reused: a process-wide psycopg pool hands each request a connection
# that is already open (a new connection costs ~1 ms of CPU). DB_POOL_MAX_SIZE=0 turns it off.
DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", default=20)
if IS_POSTGRES and DB_POOL_MAX_SIZE:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": env.float("DB_POOL_TIMEOUT_SECONDS", default=10.0),
    }
if IS_POSTGRES and env.bool("DB_SERVER_SIDE_BINDING", default=True):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=env.int("DB_PREPARE_THRESHOLD", default=5)
    )
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=None)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# Parallel test workers (pytest-xdist) share one Redis: each keeps its own cache keys, socket
# groups and Celery queue, and so do the servers and workers a test starts (they inherit this).
_PARALLEL_SUFFIX = env("PYTEST_XDIST_WORKER", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "drf_spectacular_sidecar",
    "django_prometheus",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "oauth2_provider",
    "channels",
    "superapp.core",
    "superapp.accounts",
    "superapp.realtime",
    "superapp.webhooks",
    "superapp.official",
    "superapp.social",
    "superapp.messaging",
    "miniprograms",
    "payments",
    "loyalty",
    "miniprograms.shop",
    "superapp.live",
    "superapp.webapp",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "superapp.core.middleware.RequestIdMiddleware",
    "superapp.core.middleware.OptionalTrailingSlashMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "superapp.urls"
ASGI_APPLICATION = "superapp.asgi.application"
# Worker threads per server process for HTTP requests (superapp/core/http.py). Requests waiting
# on a row lock hold a thread, so keep this above the expected lock queue; each thread holds at
# most one pooled database connection (DB_POOL_MAX_SIZE).
HTTP_THREADS = env.int("HTTP_THREADS", default=16)
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The test suite swaps in a fast hasher (tests/conftest.py); production keeps Django's default.
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS", default=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Whitenoise serves the admin's and Swagger UI's static files (no CDN) and, from WEB_APP_DIR,
# the built Plaza app (web/app/dist) at the site root; superapp/webapp adds the history
# fallback and the app's CSP. Without collectstatic it finds static files where they live.
WHITENOISE_USE_FINDERS = True
WEB_APP_DIR = Path(env("WEB_APP_DIR", default=str(BASE_DIR / "web" / "app" / "dist")))
WHITENOISE_ROOT = WEB_APP_DIR if WEB_APP_DIR.is_dir() else None
WHITENOISE_ADD_HEADERS_FUNCTION = add_app_headers
WHITENOISE_IMMUTABLE_FILE_TEST = is_immutable_app_file

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
# The browser app keeps its refresh token in this HttpOnly cookie, sent only to the auth routes
# (docs/web.md); Secure when the request came over TLS or SECURE_COOKIES is set.
REFRESH_COOKIE_NAME = "plaza_refresh"
REFRESH_COOKIE_PATH = "/api/v1/auth/"
# Socket tickets (POST /api/v1/realtime/tickets): single use, valid this long.
WS_TICKET_TTL_SECONDS = env.int("WS_TICKET_TTL_SECONDS", default=30)

# --- Cache, channel layer, Celery -------------------------------------------------------------
# A Redis that hangs must not hang requests: rate-limit counters fail open and socket pushes
# are dropped (sync recovers them) after this long (superapp/core/ratelimit.py).
REDIS_TIMEOUT_SECONDS = env.float("CACHE_TIMEOUT_SECONDS", default=1.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="plaza") + _PARALLEL_SUFFIX,
            "OPTIONS": {
                "pool_class": "superapp.core.cache.SharedConnectionPool",
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "superapp.realtime.layers.PlazaChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env("CHANNEL_PREFIX", default="plaza") + _PARALLEL_SUFFIX,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="plaza") + _PARALLEL_SUFFIX
CELERY_TIMEZONE = "UTC"
# Beat schedules are registered by each app in its tasks module (see superapp/celery.py).
CELERY_BEAT_SCHEDULE: dict = {}
HEARTBEAT_INTERVAL_SECONDS = env.float("HEARTBEAT_INTERVAL_SECONDS", default=30.0)
# How long a commit's wake-up of an outbox drain holds back further wake-ups if the drain it
# sent never starts (superapp/core/wakeup.py); beat's sweeps cover anything left behind.
OUTBOX_WAKEUP_TTL_SECONDS = env.int("OUTBOX_WAKEUP_TTL_SECONDS", default=5)
# Providers of shared socket groups (``f(*, user_id) -> [group]``), joined on connect.
REALTIME_SOCKET_GROUP_PROVIDERS = ["superapp.official.selectors.socket_groups_for_user"]

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "superapp.accounts.authentication.BearerTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["superapp.core.permissions.IsConsumer"],
    "DEFAULT_PAGINATION_CLASS": "superapp.core.pagination.CursorPage",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "superapp.core.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Plaza API",
    "DESCRIPTION": "Open super-app backend: chat, brands, mini-programs, wallet, loyalty.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "basic": {"type": "http", "scheme": "basic"},
        }
    },
    "SECURITY": [{"bearer": []}],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "superapp.core.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OfficialAccountKindEnum": "superapp.official.models.OfficialAccount.Kind",
        "ServiceMessageKindEnum": "superapp.official.models.ServiceMessage.Kind",
        "MenuActionTypeEnum": "superapp.official.api.serializers.MENU_ACTION_TYPES",
        "LinkTypeEnum": "superapp.official.api.serializers.LINK_TYPES",
        "ArticleBlockTypeEnum": "superapp.official.api.serializers.BLOCK_TYPES",
        "MiniProgramAppScopeEnum": "miniprograms.models.APP_SCOPES",
        "MiniProgramConsentScopeEnum": "miniprograms.models.CONSENT_SCOPES",
        "ConsentPurposeEnum": "loyalty.models.Consent.Purpose",
        "CouponKindEnum": "miniprograms.shop.models.Coupon.Kind",
        "EntrySourceEnum": "miniprograms.models.EntryVisit.Source",
        "ShopOrderStatusEnum": "miniprograms.shop.models.Order.Status",
        "ShopProductStatusEnum": "miniprograms.shop.models.Product.Status",
        "ShopTeamStatusEnum": "miniprograms.shop.models.Team.Status",
        "ShopRefundStatusEnum": "miniprograms.shop.models.RefundRequest.Status",
        "ShopReportStatusEnum": "miniprograms.shop.models.ReviewReport.Status",
        "LiveShowStatusEnum": "superapp.live.models.Show.Status",
        "LiveRestrictionKindEnum": "superapp.live.models.Restriction.Kind",
    },
}

# --- OAuth2 / tokens --------------------------------------------------------------------------
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("ACCESS_TOKEN_EXPIRE_SECONDS", default=3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("REFRESH_TOKEN_EXPIRE_SECONDS", default=30 * 86400),
    "ROTATE_REFRESH_TOKEN": True,
    "SCOPES": {
        "consumer": "First-party Plaza app acting for a signed-in user",
        "profile": "Read the user's display name and avatar",
        "phone": "Read the user's phone number",
        "address": "Read the user's shipping address",
        "pay": "Create and manage pay orders",
        "subscribe_message": "Send subscribe messages",
        "loyalty": "Read and award loyalty points",
        "openid": "OpenID Connect: identify the user by their openid",
    },
    "DEFAULT_SCOPES": ["consumer"],
    # OpenID Connect for mini-programs (docs/miniprograms.md): ID tokens are RS256-signed,
    # their ``sub`` is the user's openid (miniprograms.oauth.MiniProgramOAuth2Validator).
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": load_or_create_private_key(
        env("OIDC_RSA_PRIVATE_KEY", default=""),
        Path(env("OIDC_RSA_PRIVATE_KEY_FILE", default=str(BASE_DIR / ".oidc-dev-key.pem"))),
    ),
    "OIDC_ISS_ENDPOINT": env("OIDC_ISS_ENDPOINT", default=""),
    "OAUTH2_VALIDATOR_CLASS": "miniprograms.oauth.MiniProgramOAuth2Validator",
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": env.int("MINIPROGRAM_LOGIN_CODE_SECONDS", default=300),
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
FIRST_PARTY_CLIENT_ID = "plaza-first-party"

# --- Product limits (each enforced and tested where it is used) -------------------------------
LOGIN_MAX_FAILURES_PER_ACCOUNT = env.int("LOGIN_MAX_FAILURES_PER_ACCOUNT", default=5)
LOGIN_MAX_FAILURES_PER_ADDRESS = env.int("LOGIN_MAX_FAILURES_PER_ADDRESS", default=20)
LOGIN_FAILURE_WINDOW = timedelta(minutes=env.int("LOGIN_FAILURE_WINDOW_MINUTES", default=15))
SYNC_MAX_EVENTS = env.int("SYNC_MAX_EVENTS", default=500)
IDEMPOTENCY_KEY_TTL = timedelta(hours=env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=48))
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
# Deliveries to localhost and private networks are refused (superapp/webhooks/destinations.py)
# unless this is set: development and the test suite, whose receivers listen on localhost.
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env.bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", default=DEBUG)
WEBHOOK_MAX_AGE = timedelta(hours=env.int("WEBHOOK_MAX_AGE_HOURS", default=24))
WEBHOOK_BACKOFF_BASE_SECONDS = env.float("WEBHOOK_BACKOFF_BASE_SECONDS", default=10.0)
WEBHOOK_BACKOFF_MAX_SECONDS = env.float("WEBHOOK_BACKOFF_MAX_SECONDS", default=3600.0)
WEBHOOK_SIGNATURE_TOLERANCE_SECONDS = env.int("WEBHOOK_SIGNATURE_TOLERANCE_SECONDS", default=300)
# Official accounts (docs/official-accounts.md)
OFFICIAL_SUBSCRIPTION_BROADCASTS_PER_DAY = env.int(
    "OFFICIAL_SUBSCRIPTION_BROADCASTS_PER_DAY", default=1
)
OFFICIAL_SERVICE_BROADCASTS_PER_MONTH = env.int("OFFICIAL_SERVICE_BROADCASTS_PER_MONTH", default=4)
OFFICIAL_SERVICE_WINDOW_HOURS = env.int("OFFICIAL_SERVICE_WINDOW_HOURS", default=48)
OFFICIAL_SERVICE_WINDOW_MAX_REPLIES = env.int("OFFICIAL_SERVICE_WINDOW_MAX_REPLIES", default=5)
OFFICIAL_MENU_MAX_ITEMS = env.int("OFFICIAL_MENU_MAX_ITEMS", default=3)
OFFICIAL_MENU_MAX_SUB_ITEMS = env.int("OFFICIAL_MENU_MAX_SUB_ITEMS", default=5)
OFFICIAL_MAX_KEYWORD_REPLIES = env.int("OFFICIAL_MAX_KEYWORD_REPLIES", default=200)
OFFICIAL_MAX_ACCOUNTS_PER_BRAND = env.int("OFFICIAL_MAX_ACCOUNTS_PER_BRAND", default=10)
OFFICIAL_FOLLOWER_COUNTER_SHARDS = env.int("OFFICIAL_FOLLOWER_COUNTER_SHARDS", default=16)
OFFICIAL_FOLLOWER_MESSAGES_PER_MINUTE = env.int("OFFICIAL_FOLLOWER_MESSAGES_PER_MINUTE", default=20)
# Mini-programs (docs/miniprograms.md)
MINIPROGRAM_PACKAGE_MAX_BYTES = env.int("MINIPROGRAM_PACKAGE_MAX_BYTES", default=2 * 1024 * 1024)
MINIPROGRAM_APP_MAX_BYTES = env.int("MINIPROGRAM_APP_MAX_BYTES", default=20 * 1024 * 1024)
MINIPROGRAM_PACKAGE_MAX_FILES = env.int("MINIPROGRAM_PACKAGE_MAX_FILES", default=500)
MINIPROGRAM_LOGIN_CODE_SECONDS = OAUTH2_PROVIDER["AUTHORIZATION_CODE_EXPIRE_SECONDS"]
MINIPROGRAM_CODE2SESSION_PER_MINUTE = env.int("MINIPROGRAM_CODE2SESSION_PER_MINUTE", default=600)
MINIPROGRAM_SUBSCRIBE_MESSAGES_PER_DAY = env.int(
    "MINIPROGRAM_SUBSCRIBE_MESSAGES_PER_DAY", default=100_000
)
MINIPROGRAM_USER_API_PER_MINUTE = env.int("MINIPROGRAM_USER_API_PER_MINUTE", default=1200)
MINIPROGRAM_TESTERS_MAX = env.int("MINIPROGRAM_TESTERS_MAX", default=50)
MINIPROGRAM_SCENE_MAX_LENGTH = 32
MINIPROGRAM_BUNDLE_BASE_URL = env("MINIPROGRAM_BUNDLE_BASE_URL", default="http://127.0.0.1:8000/mp")
MINIPROGRAM_LINK_BASE_URL = env("MINIPROGRAM_LINK_BASE_URL", default="https://plaza.example/mp")
MINIPROGRAM_TRIAL_LINK_SECONDS = env.int("MINIPROGRAM_TRIAL_LINK_SECONDS", default=3600)
CONTACT_REQUESTS_PER_DAY = env.int("CONTACT_REQUESTS_PER_DAY", default=50)
CONTACT_QR_MAX_AGE = timedelta(days=env.int("CONTACT_QR_MAX_AGE_DAYS", default=30))
MOMENT_TEXT_MAX_LENGTH = env.int("MOMENT_TEXT_MAX_LENGTH", default=2000)
MOMENT_MAX_IMAGES = env.int("MOMENT_MAX_IMAGES", default=9)
MOMENT_MAX_AUDIENCE = env.int("MOMENT_MAX_AUDIENCE", default=500)
MOMENT_COMMENT_MAX_LENGTH = env.int("MOMENT_COMMENT_MAX_LENGTH", default=500)
GROUP_MAX_MEMBERS = env.int("GROUP_MAX_MEMBERS", default=500)
MESSAGE_TEXT_MAX_LENGTH = env.int("MESSAGE_TEXT_MAX_LENGTH", default=4000)
MESSAGE_IMAGE_MAX_BYTES = env.int("MESSAGE_IMAGE_MAX_BYTES", default=20 * 1024 * 1024)
MESSAGE_RECALL_WINDOW = timedelta(seconds=env.int("MESSAGE_RECALL_WINDOW_SECONDS", default=120))
MESSAGE_PAGE_MAX = env.int("MESSAGE_PAGE_MAX", default=200)
MESSAGE_SEND_PER_MINUTE = env.int("MESSAGE_SEND_PER_MINUTE", default=120)
# Payments (docs/payments.md). Amounts are integer minor units.
PAYMENTS_CURRENCIES = env.list("PAYMENTS_CURRENCIES", default=["EUR", "USD", "GBP", "CNY"])
PAYMENTS_MAX_AMOUNT = env.int("PAYMENTS_MAX_AMOUNT", default=10_000_000)
PAYMENTS_DAILY_OUTGOING_LIMIT = env.int("PAYMENTS_DAILY_OUTGOING_LIMIT", default=500_000)
PAYMENTS_PIN_MAX_FAILURES = env.int("PAYMENTS_PIN_MAX_FAILURES", default=5)
# The key of the PIN HMAC (payments/pins.py): set it in production, apart from SECRET_KEY and
# outside the database; old keys in the fallbacks keep existing PINs working through a rotation.
PAYMENTS_PIN_KEY = env("PAYMENTS_PIN_KEY", default=SECRET_KEY)
PAYMENTS_PIN_KEY_FALLBACKS = env.list("PAYMENTS_PIN_KEY_FALLBACKS", default=[])
PAYMENTS_PIN_LOCK = timedelta(minutes=env.int("PAYMENTS_PIN_LOCK_MINUTES", default=15))
# Every PIN-bearing request (right or wrong) per user per minute; then 429 rate_limited.
PAYMENTS_PIN_ATTEMPTS_PER_MINUTE = env.int("PAYMENTS_PIN_ATTEMPTS_PER_MINUTE", default=30)
PAYMENTS_PAYORDER_TTL = timedelta(minutes=env.int("PAYMENTS_PAYORDER_TTL_MINUTES", default=120))
PAYMENTS_MERCHANT_FEE_BPS = env.int("PAYMENTS_MERCHANT_FEE_BPS", default=60)
PAYMENTS_HOT_ACCOUNT_SHARDS = env.int("PAYMENTS_HOT_ACCOUNT_SHARDS", default=16)
PAYMENTS_GATEWAY = env("PAYMENTS_GATEWAY", default="payments.gateways.SandboxGateway")
PAYMENTS_GATEWAY_SECRET = env("PAYMENTS_GATEWAY_SECRET", default="sandbox-gateway-secret-change-me")
PAYMENTS_GATEWAY_CALLBACK_TOLERANCE_SECONDS = env.int(
    "PAYMENTS_GATEWAY_CALLBACK_TOLERANCE_SECONDS", default=300
)
# Where the sandbox gateway POSTs its callbacks; empty: hand them to Plaza in-process.
PAYMENTS_SANDBOX_CALLBACK_URL = env("PAYMENTS_SANDBOX_CALLBACK_URL", default="")
PAYMENTS_SANDBOX_MAX_RETRIES = env.int("PAYMENTS_SANDBOX_MAX_RETRIES", default=8)
LOYALTY_EXPIRY_BATCH_SIZE = env.int("LOYALTY_EXPIRY_BATCH_SIZE", default=2000)
LOYALTY_MAX_TAGS_PER_CLIENT = env.int("LOYALTY_MAX_TAGS_PER_CLIENT", default=30)
LOYALTY_CAMPAIGN_MAX_RECIPIENTS = env.int("LOYALTY_CAMPAIGN_MAX_RECIPIENTS", default=50000)
LOYALTY_TIMELINE_MAX_ITEMS = env.int("LOYALTY_TIMELINE_MAX_ITEMS", default=100)
# Shop (docs/shop.md)
SHOP_RESERVATION_MINUTES = env.int("SHOP_RESERVATION_MINUTES", default=15)
SHOP_TEAM_WINDOW_HOURS = env.int("SHOP_TEAM_WINDOW_HOURS", default=24)
SHOP_ATTRIBUTION_WINDOW_DAYS = env.int("SHOP_ATTRIBUTION_WINDOW_DAYS", default=7)
SHOP_MAX_CART_LINES = env.int("SHOP_MAX_CART_LINES", default=50)
SHOP_MAX_LINE_QUANTITY = env.int("SHOP_MAX_LINE_QUANTITY", default=99)
SHOP_MAX_PRODUCT_IMAGES = env.int("SHOP_MAX_PRODUCT_IMAGES", default=12)
SHOP_MAX_REVIEW_PHOTOS = env.int("SHOP_MAX_REVIEW_PHOTOS", default=9)
SHOP_MAX_CSV_ROWS = env.int("SHOP_MAX_CSV_ROWS", default=5000)
SHOP_MAX_CSV_BYTES = env.int("SHOP_MAX_CSV_BYTES", default=2_000_000)
# Live shopping (docs/live.md). The room hub batches per tick: one frame per viewer per tick.
LIVE_HUB_BUS = env("LIVE_HUB_BUS", default="redis" if REDIS_URL else "memory")
LIVE_REDIS_PREFIX = env("LIVE_REDIS_PREFIX", default="plaza-live") + _PARALLEL_SUFFIX
LIVE_TICK_MS = env.int("LIVE_TICK_MS", default=250)
LIVE_FLUSH_SECONDS = env.float("LIVE_FLUSH_SECONDS", default=5.0)
LIVE_COMMENTS_PER_TICK = env.int("LIVE_COMMENTS_PER_TICK", default=20)
LIVE_COMMENT_MAX_LENGTH = env.int("LIVE_COMMENT_MAX_LENGTH", default=200)
LIVE_COMMENTS_PER_MINUTE = env.int("LIVE_COMMENTS_PER_MINUTE", default=20)
LIVE_WORD_FILTER = env.list("LIVE_WORD_FILTER", default=[])
LIVE_LIKES_PER_MESSAGE = env.int("LIVE_LIKES_PER_MESSAGE", default=50)
LIVE_MAX_PRODUCTS = env.int("LIVE_MAX_PRODUCTS", default=50)
LIVE_MAX_MODERATORS = env.int("LIVE_MAX_MODERATORS", default=20)
LIVE_DEAL_COUNTDOWN_SECONDS = (10, 300)
LIVE_DEAL_WINDOW_MINUTES = (1, 20)
LIVE_REMINDER_BATCH = env.int("LIVE_REMINDER_BATCH", default=1000)
# Red packets: the largest packet per currency (minor units; 200.00 like WeChat's CNY cap), the
# most shares in one packet (never more than the group's members), and when the rest returns.
# Env format for the per-currency cap: RED_PACKET_MAX_TOTAL="CNY=20000;EUR=20000".
RED_PACKET_MAX_TOTAL = env.dict(
    "RED_PACKET_MAX_TOTAL",
    cast={"value": int},
    default={"CNY": 20_000, "EUR": 20_000, "USD": 20_000, "GBP": 20_000},
)
RED_PACKET_MAX_COUNT = env.int("RED_PACKET_MAX_COUNT", default=100)
RED_PACKET_TTL = timedelta(hours=env.int("RED_PACKET_TTL_HOURS", default=24))
RED_PACKET_EXPIRY_BATCH = env.int("RED_PACKET_EXPIRY_BATCH", default=500)

# --- Logging: one JSON object per line, every line tagged with the request id -----------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "superapp.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "uvicorn.access": {"level": "WARNING"},
    },
}
