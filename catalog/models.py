"""Catalogue: a category tree, products and their variants (each variant is one stock-keeping unit).

Every product has at least one variant; a product without sizes or colours has exactly one. Stock, prices,
weights and dimensions belong to the variant, so an order line, a stock movement or a shipment always points at
one SKU.
"""

from decimal import Decimal
from functools import reduce

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField, money


class Category(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:category_detail", kwargs={"key": (self.slug, self.pk)})


class SearchDocument(Func):
    """The full-text document of a product, `setweight(to_tsvector(...), ...) || ...` of its SearchVectors, computed
    by PostgreSQL in a stored generated column; NULL on other databases, whose search does not use it."""

    template = "%(expressions)s"
    output_field = SearchVectorField()

    def __init__(self, *vectors):
        super().__init__(reduce(lambda combined, vector: combined + vector, vectors))

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", ()


class StoredGeneratedField(models.GeneratedField):
    """GeneratedField(db_persist=True) whose system check does not connect to the database: Django's own also asks
    whether the server supports virtual columns, which on PostgreSQL means reading its version, so that
    `manage.py check --deploy` (run where the database is not reachable, in a build) failed. Stored columns, the only
    kind used here, are still checked (fields.E222)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("db_persist", True)
        super().__init__(**kwargs)

    def _check_supported(self, databases):
        return []


def estimate_phrase(estimate_from, estimate_to, note: str) -> str:
    """A made-to-order product's price estimate, in the active language: "From $900.00, depending on size and wood"
    or "$900.00 to $1,400.00, depending on size and wood" (the note is optional)."""
    if estimate_from is None:
        return note
    if estimate_to is not None and estimate_to != estimate_from:
        price = gettext("%(low)s to %(high)s") % {"low": money(estimate_from), "high": money(estimate_to)}
    else:
        price = gettext("From %(price)s") % {"price": money(estimate_from)}
    return f"{price}, {note}" if note else price


# A product a listing may show (the category's being active is checked with the category).
LISTABLE = Q(is_active=True, sold_online=True)


class ProductQuerySet(models.QuerySet):
    def online(self):
        """Products a visitor may see: active, chosen for online sale, in an active category."""
        return self.filter(is_active=True, sold_online=True, category__is_active=True)


# The search documents: read by the database (storefront.search), never by Python.
SEARCH_DOCUMENTS = ("search_en", "search_fr", "search_names_en", "search_names_fr")


class ProductManager(models.Manager.from_queryset(ProductQuerySet)):
    def get_queryset(self):
        """Products without their search documents (a couple of kilobytes a row that no page shows)."""
        return super().get_queryset().defer(*SEARCH_DOCUMENTS)


class Product(models.Model):
    category = models.ForeignKey(
        Category, verbose_name=_("category"), related_name="products", on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220)
    description = models.TextField(_("description"), blank=True)
    sold_online = models.BooleanField(
        _("sold online"),
        default=True,
        help_text=_("Untick for store-only products: they stay in the inventory but never appear online."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_featured = models.BooleanField(_("featured on the home page"), default=False)
    allow_backorder = models.BooleanField(
        _("allow backorders"), default=False,
        help_text=_("Sell beyond the stock: the extra units ship when the next delivery arrives."),
    )
    restock_expected_on = models.DateField(_("restock expected on"), null=True, blank=True,
                                           help_text=_("Shown to shoppers and used for promised delivery dates."))
    # Made to order (custom work): no stock, a price estimate instead of a price, "Ask for a quote" instead of "Add to
    # cart" (the quotes app). The estimate is "from" an amount, or a range up to `estimate_to`; the note says what the
    # price depends on ("depending on size and wood", translated).
    made_to_order = models.BooleanField(
        _("made to order"), default=False,
        help_text=_("Custom work: no stock, customers ask for a quote instead of adding it to their cart."),
    )
    estimate_from = MoneyField(_("estimate from (CAD)"), null=True, blank=True,
                               validators=[MinValueValidator(Decimal("0.00"))])
    estimate_to = MoneyField(_("estimate up to (CAD)"), null=True, blank=True,
                             validators=[MinValueValidator(Decimal("0.00"))],
                             help_text=_("Optional: gives a range instead of \"from\"."))
    estimate_note = models.CharField(_("what the price depends on"), max_length=200, blank=True,
                                     help_text=_("For example: depending on size and wood."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Product search's documents, per site language, kept by the database itself on every write (the admin, the
    # translation fields, bulk loads, update()), GIN-indexed on PostgreSQL (migration 0008); NULL on SQLite.
    # search_*: what a query matches, names (weight A; the English name on the French site B) and descriptions (D).
    search_en = StoredGeneratedField(
        expression=SearchDocument(
            SearchVector("name_en", config="english", weight="A"),
            SearchVector("description_en", config="english", weight="D"),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    search_fr = StoredGeneratedField(
        expression=SearchDocument(
            SearchVector("name_fr", config="french", weight="A"),
            SearchVector("name_en", config="english", weight="B"),
            SearchVector("description_fr", config="french", weight="D"),
            SearchVector("description_en", config="english", weight="D"),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # search_names_*: the names alone, what the results are ranked on: a few words, so ranking every product found
    # stays cheap (ranking on the whole document costs ten times more).
    search_names_en = StoredGeneratedField(
        expression=SearchDocument(SearchVector("name_en", config="english", weight="A")),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    search_names_fr = StoredGeneratedField(
        expression=SearchDocument(
            SearchVector("name_fr", config="french", weight="A"),
            SearchVector("name_en", config="english", weight="B"),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ProductManager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["category", "name"], name="product_category_name"),
            models.Index(fields=["is_featured"], name="product_featured", condition=Q(is_featured=True)),
            models.Index(fields=["-created_at", "-id"], name="product_newest"),
            # A category page's count and its pages by name, whatever the catalogue's size: the count is an
            # index-only scan of the category's entries, a page by name (page 40 as well as page 1) walks the
            # category's entries in order (catalog.selectors.listable_products).
            models.Index(fields=["category", "id"], name="product_listable", condition=LISTABLE),
            models.Index(fields=["category", "name_en", "id"], name="product_listable_name_en", condition=LISTABLE),
            models.Index(F("category"), Coalesce(NullIf("name_fr", Value("")), "name_en"), F("id"),
                         name="product_listable_name_fr", condition=LISTABLE),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:product_detail", kwargs={"key": (self.slug, self.pk)})

    @property
    def estimate_text(self) -> str:
        return estimate_phrase(self.estimate_from, self.estimate_to, self.estimate_note)

    def clean(self):
        if self.made_to_order and self.estimate_from is None:
            raise ValidationError({"estimate_from": _("A made-to-order product needs a price estimate.")})
        if self.estimate_to is not None and (self.estimate_from is None or self.estimate_to < self.estimate_from):
            raise ValidationError({"estimate_to": _("The upper estimate must be at least the lower one.")})


class SearchWord(models.Model):
    """A word of a product's name (English or French, lower-cased, three letters or more, not a number): the
    vocabulary product search corrects misspellings against ("lampp" -> "lamp", then a full-text search), so a
    misspelling costs what its correction costs, not a trigram comparison with every product name.

    Kept by the database itself: PostgreSQL triggers on catalog_product add the words of every product inserted or
    updated (migration 0010), whatever wrote it. Words are never removed: one no product has any more finds
    nothing. Empty on SQLite, whose search has no spelling correction."""

    word = models.CharField(_("word"), max_length=100, primary_key=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self):
        return self.word


class ProductVariant(models.Model):
    """One stock-keeping unit: what is priced, stocked, ordered and shipped."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), related_name="variants", on_delete=models.CASCADE
    )
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    size = models.CharField(_("size"), max_length=40, blank=True)
    colour = models.CharField(_("colour"), max_length=40, blank=True)
    price = MoneyField(_("price (CAD)"), validators=[MinValueValidator(Decimal("0.00"))])
    # What one unit costs the shop (purchase price); empty when unknown, so stock value at cost can say how many
    # units it could not value instead of counting them as free.
    cost_price = MoneyField(_("cost price (CAD)"), null=True, blank=True,
                            validators=[MinValueValidator(Decimal("0.00"))],
                            help_text=_("What one unit costs us. Leave empty if unknown."))
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    length_cm = models.DecimalField(_("length (cm)"), max_digits=7, decimal_places=1, default=Decimal("0"))
    width_cm = models.DecimalField(_("width (cm)"), max_digits=7, decimal_places=1, default=Decimal("0"))
    height_cm = models.DecimalField(_("height (cm)"), max_digits=7, decimal_places=1, default=Decimal("0"))
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # For syncing through the REST API (?updated_since=): set by every save, not by QuerySet.update().
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("variant (SKU)")
        verbose_name_plural = _("variants (SKUs)")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="variant_price_not_negative"),
            models.CheckConstraint(condition=Q(cost_price__gte=0) | Q(cost_price__isnull=True),
                                   name="variant_cost_price_not_negative"),
        ]
        indexes = [
            # "Has an active SKU", which every listing asks of each product it shows or counts: an index-only probe.
            models.Index(fields=["product"], name="variant_active_product", condition=Q(is_active=True)),
        ]

    def __str__(self):
        label = self.label
        return f"{self.product.name} — {label} ({self.sku})" if label else f"{self.product.name} ({self.sku})"

    @property
    def label(self):
        """'M / Red' for a variant that differs by size or colour, '' for a product's only variant."""
        return " / ".join(part for part in (self.size, self.colour) if part)


def product_image_path(instance, filename):
    return f"products/{instance.product_id}/{filename}"


class ProductImage(models.Model):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), related_name="images", on_delete=models.CASCADE
    )
    image = models.ImageField(_("image"), upload_to=product_image_path)
    alt_text = models.CharField(
        _("text alternative"), max_length=200, blank=True, help_text=_("Describes the picture for screen readers.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    # Thumbnails made by Pillow when the image is saved (catalog.images); names relative to MEDIA_ROOT.
    thumbnail_small = models.CharField(max_length=255, blank=True, editable=False)
    thumbnail_medium = models.CharField(max_length=255, blank=True, editable=False)
    thumbnail_large = models.CharField(max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.alt_text or self.image.name

    def save(self, *args, **kwargs):
        # Thumbnails are derived from the picture: remake them whenever the picture is new or replaced.
        picture_changed = self._state.adding or not self.thumbnail_small or getattr(
            self.image, "_committed", True
        ) is False
        super().save(*args, **kwargs)
        if picture_changed and self.image:
            from .images import thumbnails_create

            names = thumbnails_create(self.image)
            self.thumbnail_small = names["small"]
            self.thumbnail_medium = names["medium"]
            self.thumbnail_large = names["large"]
            super().save(update_fields=["thumbnail_small", "thumbnail_medium", "thumbnail_large"])

    def thumbnail_url(self, size):
        name = getattr(self, f"thumbnail_{size}") or self.image.name
        return default_storage.url(name)

    @property
    def small_url(self):
        return self.thumbnail_url("small")

    @property
    def medium_url(self):
        return self.thumbnail_url("medium")

    @property
    def large_url(self):
        return self.thumbnail_url("large")
