"""Rate limits of the public rating page, kept in Django's cache.

Two fixed windows: per client key (address + browser) and per address (a
whole office behind one address may rate more). Only stored ratings count.

The per-address limit is ``THIDUA_RATING_IP_LIMIT`` (ratings per address per
ten minutes, default 30): a Django setting of that name when settings.py
defines one, else the environment variable. Raise it behind a NAT that many
citizens share; the benchmark (bench/rating_bench.py) raises it for its own
server only, since all of its load comes from 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import os

from django.conf import settings
from django.core.cache import cache

from thidua.core.http import client_ip


def setting(name: str, default: str) -> str:
    """A ``THIDUA_*`` value: the Django setting when defined, else the environment."""
    return str(getattr(settings, name, os.environ.get(name, default)))


WINDOW = 10 * 60
PER_CLIENT = 5
PER_IP = int(setting("THIDUA_RATING_IP_LIMIT", "30"))


def client_key(request) -> str:
    """sha256 of the address and the user agent: the raw address is never stored."""
    raw = f"{client_ip(request) or ''}|{request.META.get('HTTP_USER_AGENT', '')}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _keys(request) -> list[tuple[str, int]]:
    """The cache keys of the request's two windows (worked out once per request)."""
    keys = getattr(request, "_feedback_limit_keys", None)
    if keys is None:
        ip_hash = hashlib.sha256((client_ip(request) or "").encode()).hexdigest()
        keys = [(f"feedback:client:{client_key(request)}", PER_CLIENT),
                (f"feedback:ip:{ip_hash}", PER_IP)]
        request._feedback_limit_keys = keys
    return keys


def over_limit(request) -> bool:
    counts = cache.get_many([key for key, _ in _keys(request)])
    return any(counts.get(key, 0) >= limit for key, limit in _keys(request))


def count(request) -> None:
    for key, _ in _keys(request):
        if not cache.add(key, 1, WINDOW):
            try:
                cache.incr(key)
            except ValueError:  # expired in between
                cache.add(key, 1, WINDOW)
