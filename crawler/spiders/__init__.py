"""nianbao's spiders (SPIDER_MODULES). `portal`: any government portal, by root URL or by a
configured source name (crawler/sources.toml)."""
