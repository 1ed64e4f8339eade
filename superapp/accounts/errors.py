"""The error codes the accounts app answers with, each spelled once (architecture.md)."""

INVALID_CREDENTIALS = "invalid_credentials"
INVALID_PASSWORD = "invalid_password"
INVALID_REFRESH_TOKEN = "invalid_refresh_token"
USERNAME_TAKEN = "username_taken"
