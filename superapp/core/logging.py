"""Request-scoped logging context: every log line carries the id of the request that caused it."""

import contextvars
import logging
import re

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


# Query parameters whose values are credentials: a socket's ``?token=``/``?ticket=``, OAuth's
# ``code``, and tokens some clients put in URLs.
_SECRET_QUERY_VALUE = re.compile(
    r"(?P<name>[?&](?:token|ticket|access_token|refresh_token|code|client_secret)=)[^&\s\"']*",
    re.IGNORECASE,
)


def redact_secrets(text: str) -> str:
    return _SECRET_QUERY_VALUE.sub(r"\g<name>[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    """Blanks credential values in query strings of a record's message and arguments (servers
    log paths with their query: uvicorn's access log and its "WebSocket /ws/?token=..." line).
    Attached to uvicorn's loggers and to Plaza's handler (settings.LOGGING)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_secrets(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_secrets(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
