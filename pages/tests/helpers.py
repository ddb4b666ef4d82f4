"""Helpers for pages tests."""


def starter_pages_seed() -> None:
    """The starter pages and press release the data migration creates (transactional tests flush them)."""
    from pages.models import NewsItem, Page
    from pages.seed import pages_seed

    pages_seed(Page=Page, NewsItem=NewsItem)
