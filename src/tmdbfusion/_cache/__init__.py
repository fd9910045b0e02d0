"""The response cache: pure key and policy rules, the stores, and the guard the shells use.

Import order runs one way: ``keys`` and ``policy`` (pure, no I/O) -> ``entry`` -> ``backend``
(the protocol) -> the stores ``memory``, ``sqlite``, ``redis`` (each imported only when asked
for) -> ``guard`` (failures become misses, one warning per outage).
"""
