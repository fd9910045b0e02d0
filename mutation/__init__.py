"""Mutation testing of the hand-written core: ``nox -s mutation`` (see the README, Contributing)."""
