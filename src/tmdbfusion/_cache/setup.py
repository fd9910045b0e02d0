"""Turn the clients' ``cache=`` and ``cache_ttl=`` arguments into the cache's parts."""

from __future__ import annotations

from tmdbfusion._cache.backend import open_backend
from tmdbfusion._cache.context import CacheCounters, CacheSettings
from tmdbfusion._cache.guard import CacheGuard
from tmdbfusion._cache.policy import TTLPolicy, TTLSetting

__all__ = ["build_cache"]


def build_cache(
    cache: object, cache_ttl: TTLSetting
) -> tuple[CacheSettings | None, CacheGuard | None, CacheCounters]:
    """Check the arguments and build the settings the flow uses and the guarded store.

    Parameters
    ----------
    cache : object
        The client's ``cache=``; see :func:`~tmdbfusion._cache.backend.open_backend`.
    cache_ttl : float, Mapping[str, float] or None
        The client's ``cache_ttl=``; see :meth:`TTLPolicy.build`.

    Returns
    -------
    tuple
        Settings for the flow and the guard for the shell (both None without a cache), and the
        counters behind ``client.cache.stats()``.

    Raises
    ------
    TypeError, ValueError
        For a bad argument, or ``cache_ttl=`` without ``cache=``.
    """
    counters = CacheCounters()
    backend = open_backend(cache)
    if backend is None:
        if cache_ttl is not None:
            raise ValueError(
                'cache_ttl= has no effect without cache=; pass cache="memory", a file path, '
                "True or a Redis URL as well"
            )
        return None, None, counters
    operations: list[tuple[str, str, str]] = []
    if cache_ttl is not None and not isinstance(cache_ttl, (int, float)):
        # Names such as "movies.details" are resolved against the generated resources.
        from tmdbfusion.testing._operations import sdk_operations

        operations = [(op.method, op.path, op.sdk_method) for op in sdk_operations()]
    policy = TTLPolicy.build(cache_ttl, operations)
    # A store passed in is the caller's to close, like an http_client=.
    guard = CacheGuard(backend, counters, owns_backend=backend is not cache)
    return CacheSettings(policy=policy, counters=counters), guard, counters
