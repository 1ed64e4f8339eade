"""The error codes the realtime app answers with, each spelled once (architecture.md)."""

INVALID_CURSOR = "invalid_cursor"
INVALID_JSON = "invalid_json"
UNKNOWN_COMMAND = "unknown_command"
UNSUPPORTED_FRAME = "unsupported_frame"
