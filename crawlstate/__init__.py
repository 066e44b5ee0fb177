"""Crawl state, with one owner: everything a crawl remembers between requests and between
runs (validators and page bodies for conditional requests, document versions, the resumable
job, failed URLs, the run record, the WARC files and their index).

- `tables.CrawlState`: the crawl tables in the archive's SQLite file (their own migrations);
- `runs.Runs`: the only writer of the archive's `runs` rows;
- `handle.CrawlStateHandle`: the one handle a crawl's components share (built by the crawl
  job extension in `from_crawler`, found through the crawler's signals, never an attribute
  bolted on the Crawler); it owns the archive connection the crawl state is written with;
- `warc`: the WARC writer (warcio) the handle owns when `WARC_ENABLED`.

No scrapy here: the Scrapy components in crawler/ are thin clients, and pipelines/ may use
the handle without importing the crawler.
"""
