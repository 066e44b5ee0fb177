"""The SQLite archive (sqlite-utils): schema, blob store, search and the archive CLI commands.

This package imports neither scrapy nor `pipelines` (tests/test_layering.py checks it).
"""
