"""The stages a fetched document goes through: store -> dedup -> extract -> parse -> archive.

Each stage is a pure function; the `*Pipeline` classes are thin Scrapy wrappers around them.
"""
