"""Adapters around the pure core: command line, storage, web, reports."""
