"""Writes that belong to the catalogue. For now: keeping cached pages in step with stock."""

from . import page_cache, selectors


def catalog_pages_refresh_after_stock_change(*, product_ids, category_ids) -> None:
    """Bump the page versions of the products moved and of every category that lists them.

    A category page lists its subcategories' products too, so each category's ancestors are bumped as well.
    Runs after the stock transaction commits.
    """
    tree = selectors.category_tree()
    listing_ids = {node.id for cid in category_ids for node in tree.ancestors(cid)} | set(category_ids)
    page_cache.stock_changed(product_ids=product_ids, category_ids=listing_ids)
