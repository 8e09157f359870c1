#!/usr/bin/env python3
"""Mint a Privacy Center handoff token, byte for byte as the server checks it.

Usage: mint_token.py APP USER KEY_HEX   (prints the token)
Standard library only. See docs/host-apps.md.
"""
import base64
import hashlib
import hmac
import json
import secrets
import sys
import time


def b64url(data: bytes) -> str:
    # URL-safe alphabet (- and _), no '=' padding.
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def mint(app: str, user: str, key_hex: str, ttl_secs: int = 60) -> str:
    claims = {
        "v": 1,                             # format version
        "app": app,                         # the app id the key belongs to
        "sub": user,                        # 1-128 printable ASCII, no spaces
        "exp": int(time.time()) + ttl_secs, # Unix seconds, at most 120 s ahead
        "jti": secrets.token_hex(16),       # 32 hex digits, new for every token
    }
    first = b64url(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
    key = bytes.fromhex(key_hex.strip())    # the key is the decoded bytes, not the hex text
    sig = hmac.new(key, first.encode("ascii"), hashlib.sha256).digest()
    return f"{first}.{b64url(sig)}"


if __name__ == "__main__":
    app, user, key_hex = sys.argv[1:4]
    print(mint(app, user, key_hex))
