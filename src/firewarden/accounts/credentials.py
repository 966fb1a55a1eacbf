"""Encrypting social account credentials at rest (Fernet, key from the environment).

``FIREWARDEN_SECRET_KEY`` holds one Fernet key, or several separated by commas during a key
rotation: the first encrypts, all of them decrypt (see docs/operations.md, "Key rotation").
Make a key with::

    python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from firewarden.errors import ConfigError

KEY_VAR = "FIREWARDEN_SECRET_KEY"
_MAKE_KEY = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


def cipher(keys: str | None = None) -> MultiFernet:
    """The cipher for ``keys`` (default: ``$FIREWARDEN_SECRET_KEY``); a clear error if unset."""
    raw = keys if keys is not None else os.environ.get(KEY_VAR, "")
    parts = [k.strip() for k in raw.split(",") if k.strip()]
    if not parts:
        raise ConfigError(
            f"{KEY_VAR} is not set; it is needed to encrypt and decrypt account credentials",
            hint=f"create a key with: {_MAKE_KEY}  and export {KEY_VAR}=<that key>",
        )
    fernets = []
    for i, part in enumerate(parts, start=1):
        try:
            fernets.append(Fernet(part.encode("ascii")))
        except (ValueError, UnicodeEncodeError):
            raise ConfigError(
                f"{KEY_VAR} key number {i} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes)",
                hint=f"create a key with: {_MAKE_KEY}",
            ) from None
    return MultiFernet(fernets)


def encrypt_credentials(data: Mapping[str, Any], *, keys: str | None = None) -> bytes:
    """Ciphertext for a credentials mapping (tokens, secrets)."""
    plain = json.dumps(dict(data), sort_keys=True, ensure_ascii=False).encode("utf-8")
    return cipher(keys).encrypt(plain)


def decrypt_credentials(token: bytes, *, keys: str | None = None) -> dict[str, Any]:
    """The credentials mapping back from ciphertext; a clear error if the key does not fit."""
    try:
        plain = cipher(keys).decrypt(token)
    except InvalidToken:
        raise ConfigError(
            f"cannot decrypt stored account credentials with {KEY_VAR}",
            hint="the key changed? put the old key after the new one, comma-separated, "
            "then run: firewarden db rotate-key",
        ) from None
    value = json.loads(plain.decode("utf-8"))
    if not isinstance(value, dict):
        raise ConfigError("stored account credentials are not a mapping")
    return value


def reencrypt(token: bytes, *, keys: str | None = None) -> bytes:
    """``token`` re-encrypted under the first key (for key rotation)."""
    try:
        return cipher(keys).rotate(token)
    except InvalidToken:
        raise ConfigError(
            f"cannot decrypt stored account credentials with any key in {KEY_VAR}",
            hint="add the key they were encrypted with after the new one, comma-separated",
        ) from None
