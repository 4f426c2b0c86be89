# -*- coding: utf-8 -*-
"""Fresh secrets: XKS proxy authentication credentials (in the spec's formats) and external key material."""

import base64
import secrets

_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def new_access_key_id(length=24):
    """20-30 characters of A-Z and 2-7; random, so it reveals nothing about the secret."""
    if not 20 <= length <= 30:
        raise ValueError("access key id length must be 20-30")
    return "".join(secrets.choice(_BASE32) for _position in range(length))


def _random_base64(length):
    return base64.b64encode(secrets.token_bytes(length)).decode("ascii")


def new_secret_access_key():
    """256 random bits as base64 (44 characters), like `openssl rand 32 | base64`."""
    return _random_base64(32)


def new_credential():
    """A credential as the test bed hands it out (and as the modules' option takes it)."""
    return {"access_key_id": new_access_key_id(), "raw_secret_access_key": new_secret_access_key()}


def new_key_material():
    """256 random bits of AES key material, as base64 (what a key manager holds for one external key)."""
    return _random_base64(32)
