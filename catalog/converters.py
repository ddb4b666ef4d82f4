"""The address of a category or product page: "stoneware-mug-42", readable and still found by its key. Importing
this module registers the `slug_pk` path converter (storefront.urls, community.urls)."""

from django.urls import register_converter


class SlugPkConverter:
    """'stoneware-mug-42' -> ('stoneware-mug', 42): readable addresses that still find the row by its key."""

    regex = r"[-\w]+-\d+"

    def to_python(self, value):
        slug, _, pk = value.rpartition("-")
        return slug, int(pk)

    def to_url(self, value):
        slug, pk = value
        return f"{slug}-{pk}"


register_converter(SlugPkConverter, "slug_pk")
