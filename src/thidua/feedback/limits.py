"""Rate limits of the public rating page, kept in Django's cache.

Two fixed windows: per client key (address + browser) and per address (a
whole office behind one address may rate more). Only stored ratings count.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from thidua.core.http import client_ip

WINDOW = 10 * 60
PER_CLIENT = 5
PER_IP = 30


def client_key(request) -> str:
    """sha256 of the address and the user agent: the raw address is never stored."""
    raw = f"{client_ip(request) or ''}|{request.META.get('HTTP_USER_AGENT', '')}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _keys(request) -> list[tuple[str, int]]:
    ip_hash = hashlib.sha256((client_ip(request) or "").encode()).hexdigest()
    return [(f"feedback:client:{client_key(request)}", PER_CLIENT),
            (f"feedback:ip:{ip_hash}", PER_IP)]


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
