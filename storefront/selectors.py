"""What a shopper's pages show of a product: the catalogue (catalog.selectors) with live stock (inventory), the
reviews' rating (community) and the restock date. Every queryset here fetches what its page shows in a constant
number of queries, whatever the number of products on the page."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Min, Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import Product, ProductImage, ProductVariant
from catalog.selectors import CategoryTree, active_variants, listable_products, restock_expected, restock_phrase
from community.selectors import rating_round, rating_subqueries
from inventory.selectors import Availability, availability_by_variant, online_available_by_product


@dataclass
class ProductCard:
    """What a list page shows of one product."""

    id: int
    name: str
    slug: str
    min_price: object
    max_price: object
    image: ProductImage | None
    online_available: int
    variant_count: int
    default_variant_id: int | None
    backorderable: bool = False
    restock_on: datetime.date | None = None
    rating_average: Decimal | None = None  # of the approved reviews, to one decimal; None without any
    rating_count: int = 0

    def get_absolute_url(self):
        return reverse("catalog:product_detail", kwargs={"key": (self.slug, self.id)})

    @property
    def availability(self) -> Availability:
        return SkuAvailability(online=self.online_available, backorderable=self.backorderable,
                               restock_on=self.restock_on)

    @property
    def has_price_range(self) -> bool:
        return self.min_price != self.max_price


def product_cards(products) -> list[ProductCard]:
    """Turn a page of listable_products() into cards: three more queries, whatever the page size."""
    products = list(products)
    ids = [p.pk for p in products]
    prices = {
        row["product_id"]: row
        for row in ProductVariant.objects.filter(product_id__in=ids, is_active=True)
        .values("product_id")
        .annotate(low=Min("price"), high=Max("price"), first_id=Min("id"), count=Count("id"))
        .annotate(**rating_subqueries("product_id"))  # the reviews' average rides along: no extra query
        .order_by()
    }
    images: dict[int, ProductImage] = {}
    for image in ProductImage.objects.filter(product_id__in=ids).order_by("product_id", "-position", "-pk"):
        images[image.product_id] = image  # ends on the first by position
    available = online_available_by_product(ids)
    return [
        ProductCard(
            id=p.pk,
            name=p.name,
            slug=p.slug,
            min_price=prices[p.pk]["low"],
            max_price=prices[p.pk]["high"],
            image=images.get(p.pk),
            online_available=available[p.pk],
            variant_count=prices[p.pk]["count"],
            default_variant_id=prices[p.pk]["first_id"],
            backorderable=p.allow_backorder,
            restock_on=restock_expected(p) if p.allow_backorder else None,
            rating_average=rating_round(prices[p.pk]["rating_avg"]),
            rating_count=prices[p.pk]["rating_count"] or 0,
        )
        for p in products
        if p.pk in prices  # a SKU switched off since the page's rows were read
    ]


def home_products(tree: CategoryTree, *, featured_limit=8, new_limit=8):
    visible = listable_products(tree.by_id)
    featured = product_cards(visible.filter(is_featured=True)[:featured_limit])
    newest = product_cards(visible.order_by("-created_at", "-pk")[:new_limit])
    return featured, newest


def product_for_page(pk: int) -> Product | None:
    """The product with its active SKUs, pictures, and rating_average / rating_count of its approved reviews."""
    product = (
        Product.objects.online()
        .annotate(**rating_subqueries("pk"))
        .select_related("category")
        .prefetch_related(
            Prefetch("variants", queryset=active_variants(), to_attr="active_variants"),
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"), to_attr="ordered_images"),
        )
        .filter(pk=pk)
        .first()
    )
    if product is not None:
        product.rating_average, product.rating_count = rating_round(product.rating_avg), product.rating_count or 0
    return product


@dataclass
class SkuAvailability(Availability):
    """A SKU on its product page: one whose product allows backorders can be ordered even when none is in stock;
    one that cannot be ordered offers the "email me when it is back" form."""

    backorderable: bool = False
    restock_on: datetime.date | None = None

    @property
    def can_buy_online(self) -> bool:
        return self.online > 0 or self.backorderable

    @property
    def message(self) -> str:
        if not self.backorderable or self.status == self.IN_STOCK:
            return super().message
        when = restock_phrase(self.restock_on)
        if self.status == self.OUT:
            return _("Out of stock online — order now, ships later (%(when)s)") % {"when": when}
        return ngettext("Only %(count)d left — more ship later (%(when)s)",
                        "Only %(count)d left — more ship later (%(when)s)", self.online) % {
            "count": self.online, "when": when}


def variant_availability(product: Product) -> list[tuple[ProductVariant, SkuAvailability]]:
    by_variant = availability_by_variant([v.pk for v in product.active_variants])
    restock_on = restock_expected(product) if product.allow_backorder else None
    return [
        (v, SkuAvailability(online=by_variant[v.pk].online, stores=by_variant[v.pk].stores,
                            backorderable=product.allow_backorder, restock_on=restock_on))
        for v in product.active_variants
    ]
