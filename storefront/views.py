"""The shopper's catalogue pages: home, category, product, search, site map. Each view reads a rendered fragment
from the versioned page cache (catalog.page_cache) or renders it from the selectors; the page shell (header,
language links) is rendered per request."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from catalog import page_cache
from catalog import selectors as catalog_selectors
from pages.selectors import site_map_pages
from recommendations import selectors as recommendations
from shipping.services.promise import promise_period
from shipping.services.table import SHIPPING

from . import search as product_search
from . import selectors
from .forms import SearchForm
from .structured_data import product_data


def _page_number(raw) -> int:
    """Any page parameter gives a page: junk, zero or negatives mean the first page."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return number if number >= 1 else 1


def _listing_query_ok(query) -> bool:
    """Only the addresses the page itself links to are cached whole: ?sort=...&page=N, each at most once."""
    if not set(query) <= {"sort", "page"} or any(len(query.getlist(k)) > 1 for k in query):
        return False
    page = query.get("page", "1")
    sort = query.get("sort", catalog_selectors.DEFAULT_SORT)
    return sort in catalog_selectors.SORTS and page.isdigit() and len(page) <= 4


@page_cache.whole_page(lambda: [page_cache.CATALOG, page_cache.STOCK_ALL])
def home(request):
    def build():
        tree = catalog_selectors.category_tree()
        featured, newest = selectors.home_products(tree)
        return {
            "title": "",
            "description": _("%(shop)s: %(categories)s. Shop online in Canadian dollars, with delivery across "
                             "Canada.") % {"shop": settings.SHOP_NAME,
                                           "categories": ", ".join(node.name for node in tree.roots[:5])}
            if tree.roots else "",  # base.html's description
            "main": render_to_string(
                "catalog/home_main.html",
                {"featured": featured, "newest": newest, "categories": tree.roots, "next": reverse("catalog:home")},
            ),
        }

    page = page_cache.page_get_or_build(
        ("home", get_language()), [page_cache.CATALOG, page_cache.STOCK_ALL], build
    )
    # A signed-in customer's "For you", from what they bought: one more cache read (their own fragment).
    after = (recommendations.for_you_html(user_id=request.user.pk, next_url=reverse("catalog:home"))
             if request.user.is_authenticated else "")
    return render(request, "catalog/page.html", {"page": page, "after_main": after})


@page_cache.whole_page(lambda key: [page_cache.CATALOG, page_cache.category_key(key[1])],
                       query_ok=_listing_query_ok)
def category_detail(request, key):
    slug, pk = key
    sort = request.GET.get("sort", catalog_selectors.DEFAULT_SORT)
    if sort not in catalog_selectors.SORTS:
        sort = catalog_selectors.DEFAULT_SORT
    requested = _page_number(request.GET.get("page"))

    def build():
        tree = catalog_selectors.category_tree()
        node = tree.by_id.get(pk)
        if node is None:
            return None
        paginator = Paginator(
            catalog_selectors.products_in_category(tree, pk, sort=sort), settings.SHOP_PRODUCTS_PER_PAGE
        )
        page_obj = paginator.get_page(requested)
        cards = selectors.product_cards(page_obj.object_list)
        context = {
            "category": node,
            "breadcrumbs": tree.ancestors(pk),
            "subcategories": node.children,
            "cards": cards,
            "page_obj": page_obj,
            "page_range": list(paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)),
            "sort": sort,
            "sorts": sort_choices(),
            "next": f"{node.get_absolute_url()}?sort={sort}&page={page_obj.number}",
        }
        return {
            "title": node.name,
            "slug": node.slug,
            "description": node.description or ngettext(
                "%(category)s: %(count)d product at %(shop)s, in Canadian dollars, with delivery across Canada.",
                "%(category)s: %(count)d products at %(shop)s, in Canadian dollars, with delivery across Canada.",
                paginator.count) % {"category": node.name, "count": paginator.count, "shop": settings.SHOP_NAME},
            "number": page_obj.number,
            "main": render_to_string("catalog/category_main.html", context),
        }

    page = page_cache.page_get_or_build(
        ("category", pk, get_language(), sort, requested),
        [page_cache.CATALOG, page_cache.category_key(pk)],
        build,
        store=lambda value: value is not None and value["number"] == requested,
    )
    if page is None:
        raise Http404(_("No such category."))
    if page["slug"] != slug:
        return redirect("catalog:category_detail", key=(page["slug"], pk), permanent=True)
    return render(request, "catalog/page.html", {"page": page})


def sort_choices():
    return [
        ("name", _("Name (A to Z)")),
        ("price", _("Price (low to high)")),
        ("-price", _("Price (high to low)")),
        ("new", _("Newest first")),
    ]


def _product_versions(product_id: int) -> list[str]:
    """A product page shows the catalogue, its stock, a delivery promise priced from the shipping set-up and what
    customers also bought (last night's pairs)."""
    return [page_cache.CATALOG, page_cache.product_key(product_id), SHIPPING, recommendations.CROSSSELL]


@page_cache.whole_page(lambda key: _product_versions(key[1]), period=promise_period)
def product_detail(request, key):
    slug, pk = key
    def build():
        product = selectors.product_for_page(pk)
        if product is None or not product.active_variants:
            return None
        tree = catalog_selectors.category_tree()
        if product.category_id not in tree.by_id:
            return None
        variants = selectors.variant_availability(product)
        context = {
            "product": product,
            "variants": variants,
            "single": variants[0] if len(variants) == 1 else None,
            "breadcrumbs": tree.ancestors(product.category_id),
            "images": product.ordered_images,
            "also_bought": recommendations.also_bought_html(pk, next_url=product.get_absolute_url()),
        }
        return {
            "title": product.name,
            "slug": product.slug,
            "description": product.description or _("%(product)s at %(shop)s: price, availability and delivery "
                                                    "across Canada.") % {"product": product.name,
                                                                         "shop": settings.SHOP_NAME},
            "structured_data": product_data(product, variants, product.ordered_images),
            "main": render_to_string("catalog/product_main.html", context),
        }

    page = page_cache.page_get_or_build(
        ("product", pk, get_language(), promise_period()), _product_versions(pk), build,
        store=lambda value: value is not None,
    )
    if page is None:
        raise Http404(_("No such product."))
    if page["slug"] != slug:
        return redirect("catalog:product_detail", key=(page["slug"], pk), permanent=True)
    return render(request, "catalog/page.html", {"page": page})


def site_map(request):
    return render(request, "catalog/site_map.html",
                  {"tree": catalog_selectors.category_tree(), "pages": site_map_pages()})


def search(request):
    """Search results with filters (never cached: every query is different). Bad filter input is shown on the form
    and left out; the words searched for are cleaned, never refused."""
    tree = catalog_selectors.category_tree()
    form = SearchForm(request.GET, tree=tree)
    form.is_valid()
    query, filters = form.query(), form.filters()
    params = form.link_params()
    here = reverse("catalog:search") + (f"?{urlencode(params)}" if params else "")
    context = {"form": form, "search_query": query, "query": query, "filters": filters, "next": here,
               "link_query": urlencode(params), "categories": tree.roots}
    if query or filters.narrowing:
        results = product_search.product_search_page(
            query=query, filters=filters, tree=tree, page=_page_number(request.GET.get("page")),
            per_page=settings.SHOP_PRODUCTS_PER_PAGE,
        )
        context.update(results=results, page_obj=results.page, cards=results.cards,
                       page_range=results.page_range)
        if results.suggestion:
            context["suggestion_query"] = urlencode([("q", results.suggestion)] + params[1 if query else 0:])
        if not results.cards:
            context["popular"] = selectors.product_cards(
                catalog_selectors.listable_products(tree.by_id).filter(is_featured=True)[:4]
            )
    return render(request, "catalog/search.html", context)


# Crawlers may read every page; the back office and the API are not for them (each page also says noindex where it
# should: storefront/templatetags/seo_tags.py). The sitemap's address is absolute, from SHOP_BASE_URL.
ROBOTS_DISALLOWED = ("/admin/", "/api/")


def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOWED),
             f"Sitemap: {settings.SHOP_BASE_URL.rstrip('/')}{reverse('sitemap')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
