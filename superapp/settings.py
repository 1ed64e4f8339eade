"""Plaza settings, all read from the environment.

With nothing set Plaza runs embedded: SQLite file, in-memory channel layer, local-memory cache and
Celery tasks executed eagerly. Setting ``DATABASE_URL`` and ``REDIS_URL`` switches the same code to
PostgreSQL, the Redis channel layer and cache, and a real Celery broker. docs/operations.md lists
every setting.
"""

from datetime import timedelta
from pathlib import Path

import environ

from superapp.core.oidc_keys import load_or_create_private_key
from superapp.webapp.headers import add_app_headers, is_immutable_app_file

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Shipped development defaults: `manage.py check --deploy` refuses them when DEBUG is false
# (superapp/core/checks.py).
DEFAULT_SECRET_KEY = "plaza-insecure-development-key-change-me-in-production"
DEFAULT_PAYMENTS_GATEWAY_SECRET = "sandbox-gateway-secret-change-me"
SECRET_KEY = env("SECRET_KEY", default=DEFAULT_SECRET_KEY)
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
IS_SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
if IS_SQLITE:
    # The embedded default under concurrent requests (docs/operations.md): readers never block
    # the writer (WAL); every transaction that may write takes the write lock when it begins
    # (IMMEDIATE), so two of them queue on the busy timeout instead of one failing with
    # "database is locked" when it tries to upgrade its read lock. That whole-database write
    # lock is also what serialises the services' select_for_update (a no-op on SQLite).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=env.float("SQLITE_BUSY_TIMEOUT_SECONDS", default=30.0),
        init_command=("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"),
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
    "superapp.media",
    "superapp.social",
    "superapp.messaging",
    "miniprograms",
    "payments",
    "redpackets",
    "loyalty",
    "miniprograms.shop",
    "miniprograms.live",
    "superapp.search",
    "superapp.teams",
    "superapp.webapp",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "superapp.core.middleware.RequestIdMiddleware",
    "superapp.core.middleware.OptionalTrailingSlashMiddleware",
    "superapp.core.hygiene.InputHygieneMiddleware",
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
# Every password sign-in shares the API login's lockout (superapp/accounts/backends.py).
AUTHENTICATION_BACKENDS = ["superapp.accounts.backends.LockoutModelBackend"]
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
# A rotated first-party refresh token may be used again this long after its rotation while its
# successor is unused: the answer to a refresh cut off by a reload never set the new cookie
# (superapp.accounts.services.token_refresh, docs/security.md "Refresh-token reuse").
FIRST_PARTY_REFRESH_GRACE_SECONDS = env.int("FIRST_PARTY_REFRESH_GRACE_SECONDS", default=10)
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

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"  # a host: kombu warns without one
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
    "DEFAULT_PARSER_CLASSES": ["superapp.core.parsers.JSONParser"],
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
    "GET_LIB_DOC_EXCLUDES": "superapp.core.schema.lib_doc_excludes",
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
        "SearchKindEnum": "superapp.search.selectors.KIND_NAMES",
        "ShopTeamStatusEnum": "miniprograms.shop.models.Team.Status",
        "ShopRefundStatusEnum": "miniprograms.shop.models.RefundRequest.Status",
        "ShopReportStatusEnum": "miniprograms.shop.models.ReviewReport.Status",
        "LiveShowStatusEnum": "miniprograms.live.models.Show.Status",
        "MediaPurposeEnum": "superapp.media.models.Media.Purpose",
        "MediaStatusEnum": "superapp.media.models.Media.Status",
        "LiveRestrictionKindEnum": "miniprograms.live.models.Restriction.Kind",
        "TeamMemberRoleEnum": "superapp.teams.models.MEMBER_ROLES",
        "TeamInvitationRoleEnum": "superapp.teams.models.INVITATION_ROLES",
    },
}

# --- OAuth2 / tokens --------------------------------------------------------------------------
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("ACCESS_TOKEN_EXPIRE_SECONDS", default=3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("REFRESH_TOKEN_EXPIRE_SECONDS", default=30 * 86400),
    "ROTATE_REFRESH_TOKEN": True,
    # A rotated refresh token used again revokes its whole family (/o/token/; the first-party
    # refresh does the same in superapp.accounts.services.token_refresh).
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
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
    # The issuer is fixed, never taken from the request's Host header; set it to the public
    # origin Plaza is reached at.
    "OIDC_ISS_ENDPOINT": env("OIDC_ISS_ENDPOINT", default="http://127.0.0.1:8000/o"),
    # Subjects are pairwise: each client sees its own identifier for a user (an openid).
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    # An ID token lives no longer than the access token it comes with.
    "ID_TOKEN_EXPIRE_SECONDS": env.int("ACCESS_TOKEN_EXPIRE_SECONDS", default=3600),
    # RFC 9700: no resource-owner password grant; S256 is the only PKCE method.
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
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
# Django's own sign-in page (superapp/accounts/web.py); /o/authorize/ lands in the app instead.
LOGIN_URL = "/accounts/login/"
# Where people reach the Plaza app, e.g. https://plaza.example.com (links, QR codes, and the
# origin allowed to frame bundles); empty: the origin of the request being answered.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="").rstrip("/")

# --- Product limits (each enforced and tested where it is used) -------------------------------
LOGIN_MAX_FAILURES_PER_ACCOUNT = env.int("LOGIN_MAX_FAILURES_PER_ACCOUNT", default=5)
LOGIN_MAX_FAILURES_PER_ADDRESS = env.int("LOGIN_MAX_FAILURES_PER_ADDRESS", default=20)
LOGIN_FAILURE_WINDOW = timedelta(minutes=env.int("LOGIN_FAILURE_WINDOW_MINUTES", default=15))
SYNC_MAX_EVENTS = env.int("SYNC_MAX_EVENTS", default=500)
# Request JSON nested deeper than this is refused with 400 parse_error (superapp/core/parsers.py).
JSON_MAX_DEPTH = env.int("JSON_MAX_DEPTH", default=32)
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
OFFICIAL_MAX_CANNED_REPLIES = env.int("OFFICIAL_MAX_CANNED_REPLIES", default=200)
OFFICIAL_MAX_ACCOUNTS_PER_BRAND = env.int("OFFICIAL_MAX_ACCOUNTS_PER_BRAND", default=10)
OFFICIAL_FOLLOWER_COUNTER_SHARDS = env.int("OFFICIAL_FOLLOWER_COUNTER_SHARDS", default=16)
OFFICIAL_FOLLOWER_MESSAGES_PER_MINUTE = env.int("OFFICIAL_FOLLOWER_MESSAGES_PER_MINUTE", default=20)
# Mini-programs (docs/miniprograms.md)
# The built storefront bundle (web/storefront, `make web-build`), released as every shop's app.
STOREFRONT_DIST_DIR = env(
    "STOREFRONT_DIST_DIR", default=str(BASE_DIR / "web" / "storefront" / "dist")
)
MINIPROGRAM_PACKAGE_MAX_BYTES = env.int("MINIPROGRAM_PACKAGE_MAX_BYTES", default=2 * 1024 * 1024)
MINIPROGRAM_APP_MAX_BYTES = env.int("MINIPROGRAM_APP_MAX_BYTES", default=20 * 1024 * 1024)
MINIPROGRAM_PACKAGE_MAX_FILES = env.int("MINIPROGRAM_PACKAGE_MAX_FILES", default=500)
MINIPROGRAM_LOGIN_CODE_SECONDS = OAUTH2_PROVIDER["AUTHORIZATION_CODE_EXPIRE_SECONDS"]
MINIPROGRAM_CODE2SESSION_PER_MINUTE = env.int("MINIPROGRAM_CODE2SESSION_PER_MINUTE", default=600)
# Checks of an app secret not already seen to match, per app per minute (each costs a PBKDF2).
MINIPROGRAM_SECRET_CHECKS_PER_MINUTE = env.int("MINIPROGRAM_SECRET_CHECKS_PER_MINUTE", default=10)
MINIPROGRAM_SUBSCRIBE_MESSAGES_PER_DAY = env.int(
    "MINIPROGRAM_SUBSCRIBE_MESSAGES_PER_DAY", default=100_000
)
MINIPROGRAM_USER_API_PER_MINUTE = env.int("MINIPROGRAM_USER_API_PER_MINUTE", default=1200)
MINIPROGRAM_TESTERS_MAX = env.int("MINIPROGRAM_TESTERS_MAX", default=50)
MINIPROGRAM_SCENE_MAX_LENGTH = 32
# Empty: the origin of the request being answered (so any host and port is right).
MINIPROGRAM_BUNDLE_BASE_URL = env("MINIPROGRAM_BUNDLE_BASE_URL", default="")
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
# Card messages point at other apps' objects: each type's check (``f(payload) -> payload``,
# raising a 4xx) confirms the object exists and the card tells the truth about it.
MESSAGING_CARD_CHECKS = {
    "miniprogram": "miniprograms.services.chat_card_check",
    "product": "miniprograms.shop.selectors.chat_card_check",
    "official_account": "superapp.official.selectors.chat_card_check",
}
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
PAYMENTS_GATEWAY_SECRET = env("PAYMENTS_GATEWAY_SECRET", default=DEFAULT_PAYMENTS_GATEWAY_SECRET)
PAYMENTS_GATEWAY_CALLBACK_TOLERANCE_SECONDS = env.int(
    "PAYMENTS_GATEWAY_CALLBACK_TOLERANCE_SECONDS", default=300
)
# Where the sandbox gateway POSTs its callbacks; empty: hand them to Plaza in-process.
PAYMENTS_SANDBOX_CALLBACK_URL = env("PAYMENTS_SANDBOX_CALLBACK_URL", default="")
PAYMENTS_SANDBOX_MAX_RETRIES = env.int("PAYMENTS_SANDBOX_MAX_RETRIES", default=8)
# PAYMENTS_GATEWAY=payments.gateways.StripeGateway (docs/payments.md): the secret API key, the
# webhook endpoint's signing secret (whsec_…), and the API's address (a fake one in tests).
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=10.0)
LOYALTY_EXPIRY_BATCH_SIZE = env.int("LOYALTY_EXPIRY_BATCH_SIZE", default=2000)
LOYALTY_MAX_TAGS_PER_CLIENT = env.int("LOYALTY_MAX_TAGS_PER_CLIENT", default=30)
LOYALTY_CAMPAIGN_MAX_RECIPIENTS = env.int("LOYALTY_CAMPAIGN_MAX_RECIPIENTS", default=50000)
LOYALTY_TIMELINE_MAX_ITEMS = env.int("LOYALTY_TIMELINE_MAX_ITEMS", default=100)
# Shop (docs/shop.md)
SHOP_RESERVATION_MINUTES = env.int("SHOP_RESERVATION_MINUTES", default=15)
# A checkout that took stock and never finished (a crashed process) gives it back after this.
SHOP_STOCK_HOLD_SECONDS = env.int("SHOP_STOCK_HOLD_SECONDS", default=120)
SHOP_TEAM_WINDOW_HOURS = env.int("SHOP_TEAM_WINDOW_HOURS", default=24)
SHOP_ATTRIBUTION_WINDOW_DAYS = env.int("SHOP_ATTRIBUTION_WINDOW_DAYS", default=7)
SHOP_MAX_CART_LINES = env.int("SHOP_MAX_CART_LINES", default=50)
SHOP_MAX_LINE_QUANTITY = env.int("SHOP_MAX_LINE_QUANTITY", default=99)
SHOP_MAX_PRODUCT_IMAGES = env.int("SHOP_MAX_PRODUCT_IMAGES", default=12)
SHOP_MAX_REVIEW_PHOTOS = env.int("SHOP_MAX_REVIEW_PHOTOS", default=9)
SHOP_MAX_CSV_ROWS = env.int("SHOP_MAX_CSV_ROWS", default=5000)
SHOP_MAX_CSV_BYTES = env.int("SHOP_MAX_CSV_BYTES", default=2_000_000)
SHOP_MAX_BANNERS = env.int("SHOP_MAX_BANNERS", default=5)
# Live shopping (docs/live.md). The room hub batches per tick: one frame per viewer per tick.
LIVE_HUB_BUS = env("LIVE_HUB_BUS", default="redis" if REDIS_URL else "memory")
LIVE_REDIS_PREFIX = env("LIVE_REDIS_PREFIX", default="plaza-live") + _PARALLEL_SUFFIX
LIVE_TICK_MS = env.int("LIVE_TICK_MS", default=250)
LIVE_FLUSH_SECONDS = env.float("LIVE_FLUSH_SECONDS", default=5.0)
LIVE_COMMENTS_PER_TICK = env.int("LIVE_COMMENTS_PER_TICK", default=20)
# the latest comments a joining viewer's welcome carries (a moderator who opens the room late)
LIVE_WELCOME_COMMENTS = env.int("LIVE_WELCOME_COMMENTS", default=20)
LIVE_COMMENT_MAX_LENGTH = env.int("LIVE_COMMENT_MAX_LENGTH", default=200)
LIVE_COMMENTS_PER_MINUTE = env.int("LIVE_COMMENTS_PER_MINUTE", default=20)
LIVE_WORD_FILTER = env.list("LIVE_WORD_FILTER", default=[])
LIVE_LIKES_PER_MESSAGE = env.int("LIVE_LIKES_PER_MESSAGE", default=50)
LIVE_MAX_PRODUCTS = env.int("LIVE_MAX_PRODUCTS", default=50)
LIVE_MAX_MODERATORS = env.int("LIVE_MAX_MODERATORS", default=20)
LIVE_DEAL_COUNTDOWN_SECONDS = (10, 300)
LIVE_DEAL_WINDOW_MINUTES = (1, 20)
LIVE_REMINDER_BATCH = env.int("LIVE_REMINDER_BATCH", default=1000)
# The media server (nginx + RTMP module, docs/live.md "Video"): where hosts push, where viewers
# play from, its runtime directory (HLS, recordings, replays; shared with the Celery workers)
# and the secret in its callback URLs (empty: callbacks off, external stream URLs only).
LIVE_MEDIA_RTMP_URL = env("LIVE_MEDIA_RTMP_URL", default="")
LIVE_MEDIA_PUBLIC_URL = env("LIVE_MEDIA_PUBLIC_URL", default="").rstrip("/")
LIVE_MEDIA_DIR = Path(env("LIVE_MEDIA_DIR", default=str(BASE_DIR / ".media-server")))
LIVE_MEDIA_CALLBACK_SECRET = env("LIVE_MEDIA_CALLBACK_SECRET", default="")
LIVE_FFMPEG = env("LIVE_FFMPEG", default="ffmpeg")
LIVE_FFPROBE = env("LIVE_FFPROBE", default="ffprobe")
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

# --- Search (docs/search.md) ----------------------------------------------------------------

SEARCH_QUERY_MAX_LENGTH = env.int("SEARCH_QUERY_MAX_LENGTH", default=100)
SEARCH_RESULTS_PER_KIND = env.int("SEARCH_RESULTS_PER_KIND", default=3)
SEARCH_PAGE_SIZE = env.int("SEARCH_PAGE_SIZE", default=20)
SEARCH_PAGE_SIZE_MAX = env.int("SEARCH_PAGE_SIZE_MAX", default=50)
DISCOVER_ITEMS_PER_KIND = env.int("DISCOVER_ITEMS_PER_KIND", default=10)
SEARCH_MESSAGES_SCAN_MAX = env.int("SEARCH_MESSAGES_SCAN_MAX", default=20_000)

# --- Monitoring ------------------------------------------------------------------------------
# /metrics answers only callers from these networks (CIDR) or bearing METRICS_TOKEN
# (``Authorization: Bearer <token>``); anyone else gets 404 (superapp/core/health.py).
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env("METRICS_TOKEN", default="")

# --- Request bodies (superapp/core/http.py) ----------------------------------------------------
# Bodies are refused with 413 ``request_too_large`` while they stream in, before they are
# buffered. HTTP_BODY_LIMITS maps shell-style path patterns to their own limit (first match
# wins); every other route gets HTTP_MAX_BODY_BYTES. A new upload route adds its pattern here.
# Env format: HTTP_BODY_LIMITS="/api/v1/media/*=52428800;/api/v1/x/*/upload=1048576".
_MULTIPART_OVERHEAD = 64 * 1024
HTTP_MAX_BODY_BYTES = env.int("HTTP_MAX_BODY_BYTES", default=1024 * 1024)
HTTP_BODY_LIMITS = env.dict("HTTP_BODY_LIMITS", cast={"value": int}, default={})
HTTP_BODY_LIMITS.setdefault(
    "/api/v1/dev/miniprograms/*/versions", MINIPROGRAM_PACKAGE_MAX_BYTES + _MULTIPART_OVERHEAD
)
HTTP_BODY_LIMITS.setdefault(
    "/api/v1/shops/*/catalogue/import", SHOP_MAX_CSV_BYTES + _MULTIPART_OVERHEAD
)
HTTP_BODY_LIMITS.setdefault(
    "/api/v1/shops/*/catalogue/imports", SHOP_MAX_CSV_BYTES + _MULTIPART_OVERHEAD
)

# --- Media (docs/media.md) --------------------------------------------------------------------
# Embedded default: files under MEDIA_ROOT, served by Plaza at MEDIA_BASE_URL (private ones
# through signed, expiring URLs). MEDIA_STORAGE_URL="s3://KEY:SECRET@host[:port]/bucket?region=R"
# (``s3+http://`` for a plain-HTTP endpoint) stores in S3-compatible object storage instead.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Follows PUBLIC_BASE_URL (``make run PORT=…`` sets it), so uploads load on whatever port serves.
MEDIA_BASE_URL = env(
    "MEDIA_BASE_URL", default=(PUBLIC_BASE_URL or "http://127.0.0.1:8000") + "/media/"
)
MEDIA_STORAGE_URL = env("MEDIA_STORAGE_URL", default="")
# Where clients fetch public media (a CDN in front of the bucket's ``public/`` keys); empty:
# the bucket's own address.
MEDIA_PUBLIC_BASE_URL = env("MEDIA_PUBLIC_BASE_URL", default="")
MEDIA_SIGNED_URL_SECONDS = env.int("MEDIA_SIGNED_URL_SECONDS", default=900)
MEDIA_EXPORT_URL_SECONDS = env.int("MEDIA_EXPORT_URL_SECONDS", default=7 * 86400)
MEDIA_UPLOAD_SESSION_SECONDS = env.int("MEDIA_UPLOAD_SESSION_SECONDS", default=900)
# The largest request body of the upload routes (the largest of the kinds below).
MEDIA_MAX_UPLOAD_BYTES = env.int("MEDIA_MAX_UPLOAD_BYTES", default=100 * 1024 * 1024)
MEDIA_MAX_BYTES = {
    "image": env.int("MEDIA_IMAGE_MAX_BYTES", default=20 * 1024 * 1024),
    "voice": env.int("MEDIA_VOICE_MAX_BYTES", default=10 * 1024 * 1024),
    "video": env.int("MEDIA_VIDEO_MAX_BYTES", default=100 * 1024 * 1024),
    "file": env.int("MEDIA_FILE_MAX_BYTES", default=100 * 1024 * 1024),
}
MEDIA_MAX_SECONDS = {
    "voice": env.int("MEDIA_VOICE_MAX_SECONDS", default=300),
    "video": env.int("MEDIA_VIDEO_MAX_SECONDS", default=600),
}
# Decoded size limits: a small file that claims more pixels is a decompression bomb.
MEDIA_IMAGE_MAX_PIXELS = env.int("MEDIA_IMAGE_MAX_PIXELS", default=50_000_000)
MEDIA_IMAGE_MAX_SIDE = env.int("MEDIA_IMAGE_MAX_SIDE", default=12_000)
MEDIA_USER_QUOTA_BYTES = env.int("MEDIA_USER_QUOTA_BYTES", default=2 * 1024 * 1024 * 1024)
MEDIA_THUMBNAIL_SIZES = [
    int(s) for s in env.list("MEDIA_THUMBNAIL_SIZES", default=[160, 480, 1080])
]
MEDIA_FFMPEG_TIMEOUT_SECONDS = env.int("MEDIA_FFMPEG_TIMEOUT_SECONDS", default=60)
# Who may see media used in a conversation or a Moment: ``f(*, viewer, ids) -> bool`` per
# context, answered by the app that owns the context (media knows no other app).
MEDIA_CONTEXT_RULES = {
    "conversation": "superapp.messaging.selectors.is_member_of_any",
    "moment": "superapp.social.selectors.sees_any_moment",
}

# --- Logging: one JSON object per line, every line tagged with the request id -----------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "superapp.core.logging.RequestIdFilter"},
        "redact_secrets": {"()": "superapp.core.logging.RedactSecretsFilter"},
    },
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
            "filters": ["request_id", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Servers log request paths with their query strings, where socket tokens travel: their
    # loggers redact credential values before any handler sees them (superapp/core/logging.py).
    # A 4xx is an answer with a stable code, not an incident: django.request logs only 5xx (a
    # flash sale's 1,900 "out_of_stock" refusals were 1,900 warning lines and 12 % of the CPU).
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING", "filters": ["redact_secrets"]},
        "uvicorn.access": {"level": "WARNING", "filters": ["redact_secrets"]},
        "uvicorn.error": {"filters": ["redact_secrets"]},
    },
}
