"""HTML to PDF with WeasyPrint: the printable pages (invoices, credit notes, statements, purchase orders) are the
documents; the PDF is the same HTML laid out for paper (their print stylesheet, @page rules included).

The page's own links (/static/css/print.css, a logo under /media/) are read from disk, never over the network:
WeasyPrint is given a fetcher that maps the static and media URLs to their files and refuses every other address."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

# Where the page's root-relative links are resolved: a name that cannot exist, so nothing leaves the machine.
BASE_URL = "https://shop.invalid/"


def _url_path(setting: str) -> str:
    return "/" + urlsplit(setting).path.strip("/") + "/"


def _local_file(url: str) -> Path | None:
    """The file behind a static or media URL of the shop, or None."""
    parts = urlsplit(url)
    if parts.netloc != urlsplit(BASE_URL).netloc:
        return None
    path = unquote(parts.path)
    static, media = _url_path(settings.STATIC_URL), _url_path(settings.MEDIA_URL)
    if path.startswith(static):
        relative = path.removeprefix(static)
        found = finders.find(relative)  # the source file; a hashed name (manifest storage) is only collected
        collected = Path(settings.STATIC_ROOT) / relative
        return Path(found) if found else (collected if collected.is_file() else None)
    if path.startswith(media):
        root = Path(settings.MEDIA_ROOT).resolve()
        file = (root / path.removeprefix(media)).resolve()
        return file if file.is_relative_to(root) and file.is_file() else None
    return None


def _fetcher():
    from weasyprint.urls import URLFetcher

    class ShopFiles(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            file = _local_file(url)
            if file is None:
                raise ValueError(f"not a file of the shop: {url}")
            return super().fetch(file.as_uri(), headers)

    return ShopFiles()


def pdf_from_html(html: str, *, base_url: str = BASE_URL) -> bytes:
    """The PDF of `html`, a page rendered for print. WeasyPrint is imported here only, so a process that never
    prints does not load it."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url, url_fetcher=_fetcher()).write_pdf()
