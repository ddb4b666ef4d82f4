"""The address of a category or product page: "stoneware-mug-42", readable and still found by its key. Importing
this module registers the `slug_pk` path converter (storefront.urls, community.urls)."""

import re
from functools import lru_cache

from django.urls import get_script_prefix, register_converter, reverse
from django.utils.translation import get_language


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


_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_SAMPLE = ("sample", 987654321)


@lru_cache(maxsize=64)
def _pattern(viewname: str, language: str | None, script_prefix: str) -> str:
    sample = reverse(viewname, kwargs={"key": _SAMPLE})
    return sample.replace("sample-987654321", "{key}")


def slug_pk_url(viewname: str, slug: str, pk: int) -> str:
    """reverse(viewname, kwargs={"key": (slug, pk)}), as reverse() writes it, without resolving the URL patterns
    again for each of the dozens of products and categories a list page links to."""
    if _PLAIN_SLUG.fullmatch(slug):
        return _pattern(viewname, get_language(), get_script_prefix()).format(key=f"{slug}-{int(pk)}")
    return reverse(viewname, kwargs={"key": (slug, pk)})
