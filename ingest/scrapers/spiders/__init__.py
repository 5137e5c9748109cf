"""One spider per file, the file named after the spider (`scrapy list` shows them all)."""
