"""Fixed-window rate limits in the cache, falling back to the database when the cache fails.

Redis down or frozen must never break a request, nor switch a limit off: when the cache
raises (or times out after ``REDIS_SOCKET_TIMEOUT``), the same window is counted in
``RateCounter`` rows instead, and a warning is logged.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F

from portal import clock
from portal.models import RateCounter

logger = logging.getLogger(__name__)


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one hit on ``key``; True when it is over ``limit`` hits in ``window`` seconds."""
    try:
        return _cache_count(key, window) > limit
    except Exception as error:  # redis.ConnectionError, TimeoutError, a broken pool ...
        logger.warning("rate limit %s: cache unavailable (%s), counted in the database", key, error)
    return _db_count(key, window) > limit


def _cache_count(key: str, window: int) -> int:
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def _db_count(key: str, window: int) -> int:
    now = clock.now()
    start = dt.datetime.fromtimestamp(int(now.timestamp()) // window * window, tz=dt.UTC)
    key = key[:200]
    with transaction.atomic():
        updated = RateCounter.objects.filter(key=key, window_start=start).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window_start=start, count=1)
                    stale = start - dt.timedelta(days=1)
                    RateCounter.objects.filter(window_start__lt=stale).delete()
                return 1
            except IntegrityError:  # another request created the window first
                RateCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
        return RateCounter.objects.get(key=key, window_start=start).count
