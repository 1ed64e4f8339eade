"""The RSA key that signs OpenID Connect ID tokens (published as JWKS at /o/.well-known/jwks.json).

Production sets ``OIDC_RSA_PRIVATE_KEY`` (PEM) in the environment. Without it a development key
is generated once and kept in ``OIDC_RSA_PRIVATE_KEY_FILE`` (default ``.oidc-dev-key.pem`` next to
manage.py, git-ignored), so every process of one checkout signs with the same key and tokens stay
verifiable across restarts. Imported by settings: no Django imports here.
"""

import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def _generate_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def load_or_create_private_key(configured: str, key_file: Path) -> str:
    """The configured PEM, else the development key file (created atomically on first use)."""
    if configured:
        return configured
    if key_file.exists():
        return key_file.read_text()
    pem = _generate_pem()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_path = tempfile.mkstemp(dir=key_file.parent, prefix=".oidc-key-")
    with os.fdopen(fd, "w") as handle:
        handle.write(pem)
    os.chmod(tmp_path, 0o600)
    try:
        os.link(tmp_path, key_file)  # fails if another process created it first: keep theirs
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp_path)
    return key_file.read_text()
