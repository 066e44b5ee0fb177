"""nianbao's Scrapy project: spiders, settings, the fixture portal and the `nianbao` CLI."""
