"""A pacing budget kept in Redis, shared by every process and machine that names the same key.

TMDB limits requests per IP address, so eight workers on three machines behind one address
share one limit.  :class:`RedisPacingBudget` is a :class:`~tmdbfusion.PacingBudget` whose
state lives in one Redis hash; each ``reserve`` and ``pause`` is one atomic Lua script run
on the server, on the server's clock (``TIME``), so the workers' clocks never need to agree.

The algorithm is the one :class:`~tmdbfusion.TokenBucket` uses in-process, the generic cell
rate algorithm: the hash keeps the "theoretical arrival time" of the next slot, the end of a
429 pause and the spread of the callers arriving during it.  ``reserve`` books a slot, which
may lie in the future, and answers the seconds until it; the shells sleep or await that
long.  A limiter that only admits or refuses *now* (a sliding-window log such as
pyrate-limiter's ``RedisBucket``) would make every waiting caller poll Redis instead, knows
no pause, and stamps entries with each client's own clock.

A Redis that cannot be reached never fails a call: the budget warns once per outage
(:class:`PacingWarning`) and paces with a local :class:`~tmdbfusion.TokenBucket` at the same
rate, trying Redis again after a cool-down.  Pauses are also kept locally, so a pause
announced just before Redis went away is still honoured.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from tmdbfusion._pacing import _MAX_SPREAD, _MIN_SPREAD, _SPREAD_SHARE, TokenBucket
from tmdbfusion._redact import redacted_url
from tmdbfusion._warn import warn_at_callers_line
from tmdbfusion.exceptions import PacingWarning

if TYPE_CHECKING:
    import redis

__all__ = ["PacingWarning", "RedisPacingBudget"]  # PacingWarning lives in exceptions

logger = logging.getLogger("tmdbfusion")

_INSTALL_HINT = (
    "RedisPacingBudget needs the redis package, which is not installed; "
    "install it with: pip install 'tmdbfusion-sdk[redis]'"
)
_SCHEMES = ("redis", "rediss", "unix")
_MICROS = 1_000_000

# Times are whole microseconds of the server's clock (about 1.8e15 today: exact in a double).
# Lua's tostring keeps only 14 digits, hence string.format('%.0f') for what is stored.
# The key expires once its state no longer matters (no booked slot, no pause ahead), plus a
# second, so an idle budget leaves nothing behind.
_PRELUDE = """
if redis.replicate_commands then redis.replicate_commands() end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local state = redis.call('HMGET', KEYS[1], 'next_free', 'paused_until', 'spread')
local next_free = tonumber(state[1]) or now
local paused_until = tonumber(state[2]) or 0
local spread = tonumber(state[3]) or 0
local function save()
  redis.call('HSET', KEYS[1],
    'next_free', string.format('%.0f', next_free),
    'paused_until', string.format('%.0f', paused_until),
    'spread', string.format('%.0f', spread))
  local last = math.max(next_free, paused_until)
  redis.call('PEXPIRE', KEYS[1], math.ceil((math.max(last - now, 0)) / 1000) + 1000)
end
"""

#: ARGV: interval (µs), burst, jitter in [0, 1).  Answers the wait in µs.
_RESERVE = (
    _PRELUDE
    + """
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local jitter = tonumber(ARGV[3])
local send_at = math.max(now, next_free - interval * (burst - 1))
if paused_until > now then
  send_at = math.max(send_at, paused_until + jitter * spread)
end
next_free = math.max(next_free, send_at) + interval
save()
return math.ceil(send_at - now)
"""
)

#: ARGV: pause (µs), spread share, min spread (µs), max spread (µs).  Answers nothing useful.
_PAUSE = (
    _PRELUDE
    + """
local seconds = math.max(0, tonumber(ARGV[1]))
local until_ = now + seconds
if until_ > paused_until then
  paused_until = until_
  spread = math.min(tonumber(ARGV[4]), math.max(tonumber(ARGV[3]), seconds * tonumber(ARGV[2])))
end
save()
return 1
"""
)


def _positive_seconds(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds; got {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a number of seconds above 0; got {value!r}")
    return float(value)


def _checked_url(url: object) -> str:
    if not isinstance(url, str):
        raise TypeError(
            f"url must be a Redis URL string such as 'redis://127.0.0.1:6379/0'; "
            f"got {type(url).__name__}"
        )
    if urlsplit(url).scheme not in _SCHEMES:
        raise ValueError(
            "url must be a Redis URL beginning redis://, rediss:// or unix://, "
            f"such as 'redis://127.0.0.1:6379/0'; got {redacted_url(url)!r}"
        )
    return url


def _checked_rate(rate: object) -> float:
    if isinstance(rate, bool) or not isinstance(rate, (int, float)):
        raise TypeError(
            "rate must be a number of requests per second (e.g. rate=40); "
            f"got {type(rate).__name__}"
        )
    if not math.isfinite(rate) or rate <= 0:
        raise ValueError(f"rate must be a number of requests per second above 0; got {rate!r}")
    return float(rate)


def _checked_key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"key must be a string naming the shared budget; got {type(key).__name__}")
    if not key or key != key.strip():
        raise ValueError(
            f"key must be a non-empty string without surrounding spaces, such as "
            f"'tmdbfusion:pacing'; got {key!r}"
        )
    return key


class RedisPacingBudget:
    """A :class:`~tmdbfusion.PacingBudget` shared, through Redis, by every process using its key.

    Every client given a budget with the same Redis and ``key``, in any process on any
    machine, draws from one budget of ``rate`` requests per second, and a 429 seen by one of
    them pauses them all.  Give all of them the same ``rate`` and ``burst``.

    Parameters
    ----------
    url : str
        ``redis://[:password@]host:port/db``, ``rediss://`` for TLS, or ``unix:///path``;
        query parameters such as ``socket_timeout`` are passed on to redis-py.
    rate : float
        Requests per second that all sharers together may send.
    burst : int
        Sends allowed back to back after an idle spell, across all sharers.
    key : str
        The Redis key holding the budget: one key, one budget.  Holds only times, never a
        credential.
    timeout : float
        Seconds allowed for connecting and for each command, unless the URL says otherwise:
        kept short, since the async client waits for ``reserve`` in its event loop.
    cooldown : float
        Seconds to pace locally after Redis failed, before trying it again.
    clock : Callable[[], float]
        Monotonic seconds for the local fallback and the cool-down (Redis keeps its own).
    random : Callable[[], float]
        Jitter source in ``[0, 1)``, spreading the callers released at the end of a pause.

    Raises
    ------
    TypeError
        When an argument has the wrong type.
    ValueError
        When the URL is not a Redis URL, or a number is out of range.
    ImportError
        When the ``redis`` package is missing (``pip install 'tmdbfusion-sdk[redis]'``).

    Examples
    --------
    >>> from tmdbfusion import RedisPacingBudget, TMDBClient
    >>> budget = RedisPacingBudget("redis://127.0.0.1:6379/0", rate=40)  # doctest: +SKIP
    >>> client = TMDBClient(pacing=budget)  # doctest: +SKIP
    """

    def __init__(
        self,
        url: str,
        rate: float,
        *,
        burst: int = 1,
        key: str = "tmdbfusion:pacing",
        timeout: float = 0.5,
        cooldown: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = random.random,
    ) -> None:
        self.url = _checked_url(url)
        self.rate = _checked_rate(rate)
        if isinstance(burst, bool) or not isinstance(burst, int):
            raise TypeError(f"burst must be an int of 1 or more; got {type(burst).__name__}")
        if burst < 1:
            raise ValueError(f"burst must be an int of 1 or more; got {burst!r}")
        self.burst = burst
        self.key = _checked_key(key)
        timeout = _positive_seconds("timeout", timeout)
        self.cooldown = _positive_seconds("cooldown", cooldown)
        # The cache's Redis store is imported only when Redis is asked for, as by cache=.
        from tmdbfusion._cache.redis import require_redis

        require_redis(_INSTALL_HINT)
        given = parse_qs(urlsplit(url).query)
        self._options: dict[str, Any] = {}
        if "socket_timeout" not in given:
            self._options["socket_timeout"] = timeout
        if "socket_connect_timeout" not in given:
            self._options["socket_connect_timeout"] = timeout
        self._interval_us = str(math.ceil(_MICROS / self.rate))
        self._clock = clock
        self._random = random
        #: Paces this process while Redis cannot be reached; also keeps every pause.
        self.local = TokenBucket(self.rate, burst=burst, clock=clock, random=random)
        self._lock = threading.Lock()
        self._redis: redis.Redis | None = None
        self._scripts: tuple[Any, Any] | None = None
        self._healthy = True
        self._failed_at = 0.0
        self._paused_until = -math.inf
        try:
            self._connection()  # does not connect yet, but parses the URL
        except ValueError as exc:
            password = urlsplit(url).password
            reason = str(exc).replace(password, "***") if password else str(exc)
            raise ValueError(
                f"url {redacted_url(url)!r} is not a usable Redis URL: {reason}"
            ) from None

    def __repr__(self) -> str:
        # The URL may carry a password.
        return (
            f"RedisPacingBudget({redacted_url(self.url)!r}, rate={self.rate:g}, "
            f"burst={self.burst}, key={self.key!r})"
        )

    @property
    def healthy(self) -> bool:
        """False from a Redis failure until Redis answers again."""
        return self._healthy

    def _connection(self) -> tuple[Any, Any]:
        with self._lock:
            if self._scripts is None:
                import redis

                # redis-py's pool is thread-safe and starts afresh in a forked child.
                self._redis = redis.Redis.from_url(self.url, **self._options)
                self._scripts = (
                    self._redis.register_script(_RESERVE),
                    self._redis.register_script(_PAUSE),
                )
            return self._scripts

    def _available(self) -> bool:
        return self._healthy or self._clock() - self._failed_at >= self.cooldown

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            self._failed_at = self._clock()
            if not self._healthy:
                return
            self._healthy = False
        message = (
            f"The shared pacing budget ({self!r}) failed ({type(exc).__name__}: {exc}); "
            f"this process paces alone at {self.rate:g}/s and tries Redis again every "
            f"{self.cooldown:g} s."
        )
        logger.warning("%s", message)
        warn_at_callers_line(message, PacingWarning)

    def _recovered(self) -> None:
        if not self._healthy:
            self._healthy = True
            logger.warning("The shared pacing budget (%r) answers again; using it.", self)

    def reserve(self) -> float:
        """Book the next shared slot; return the seconds to wait before sending."""
        if self._available():
            try:
                reserve, _ = self._connection()
                wait_us = reserve(
                    keys=[self.key],
                    args=[self._interval_us, self.burst, repr(self._random())],
                )
            except Exception as exc:  # any failure of Redis means: pace locally
                self._failed(exc)
            else:
                self._recovered()
                # A pause kept only locally (announced during an outage) still counts.
                return max(int(wait_us) / _MICROS, self._paused_until - self._clock())
        return self.local.reserve()

    def pause(self, seconds: float) -> None:
        """Grant no slot, to any sharer, until ``seconds`` from now."""
        self.local.pause(seconds)
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + max(0.0, seconds))
        if not self._available():
            return
        try:
            _, pause = self._connection()
            pause(
                keys=[self.key],
                args=[
                    str(math.ceil(max(0.0, seconds) * _MICROS)),
                    repr(_SPREAD_SHARE),
                    str(round(_MIN_SPREAD * _MICROS)),
                    str(round(_MAX_SPREAD * _MICROS)),
                ],
            )
        except Exception as exc:
            self._failed(exc)
        else:
            self._recovered()

    def close(self) -> None:
        """Close the connections to Redis (a later call connects again)."""
        with self._lock:
            connection, self._redis, self._scripts = self._redis, None, None
        if connection is not None:
            connection.close()
