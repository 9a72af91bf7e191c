"""Preset rule sets (TOML package data) for :mod:`machikpi.core.evaluation`.

Each ``*.toml`` here names its source and our reading of it in comments; load
one with :func:`machikpi.adapters.rulesets.load_ruleset`.
"""
