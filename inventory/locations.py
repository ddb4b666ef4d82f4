"""Stock locations: the warehouse and the stores (a model of this app, kept apart from the stock levels and the
ledger in inventory.models). Other apps may import this module; inventory.models they may not (pyproject.toml's
import-linter contracts): they read stock through inventory.selectors and change it through inventory.services."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StockLocationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def shipping_online(self):
        return self.filter(is_active=True, ships_online=True)


class StockLocation(models.Model):
    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", _("Warehouse")
        STORE = "store", _("Store")

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STORE)
    ships_online = models.BooleanField(
        _("ships online orders"),
        default=False,
        help_text=_("Stock here counts as available online and online orders are reserved from here."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=2, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    opening_hours = models.CharField(
        _("opening hours"), max_length=200, blank=True,
        help_text=_("A short summary; the stores page shows the hours set day by day below."),
    )
    shown_on_site = models.BooleanField(
        _("shown on the website"), default=True,
        help_text=_("Stores listed on the “Our stores” page with their address and hours."),
    )
    priority = models.PositiveIntegerField(
        _("priority"), default=0, help_text=_("Online orders are reserved from lower numbers first.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = StockLocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        ordering = ["priority", "name"]

    def __str__(self):
        return self.name
