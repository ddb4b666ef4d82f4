"""Discount codes, their uses, and the incentives the shop sends on its own (welcome, thank-you, we miss you).

A code's limits are enforced by counting its CouponRedemption rows, written in the order's transaction under a lock
on the coupon row (coupons.services.redemption): the count is the truth, there is no counter to drift."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField
from crm.models import CustomerScore


class CouponQuerySet(models.QuerySet):
    def by_codes(self, codes):
        """The coupons whose code is one of `codes`, whatever the case."""
        return self.annotate(code_upper=Upper("code")).filter(code_upper__in=[c.upper() for c in codes])


class Coupon(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percent off")
        FIXED = "fixed", _("Fixed amount off")
        FREE_SHIPPING = "free_shipping", _("Free shipping")

    code = models.CharField(_("code"), max_length=40, help_text=_("What the shopper types; upper or lower case is "
                                                                  "the same code."))
    description = models.CharField(_("description"), max_length=200,
                                   help_text=_("What the shopper sees, e.g. 10% off kitchenware."))
    description_fr = models.CharField(_("description (French)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, default=Decimal("0"),
                                validators=[MinValueValidator(Decimal("0"))],
                                help_text=_("The percentage (e.g. 15) or the amount in CAD (e.g. 20.00); unused for "
                                            "free shipping."))
    category = models.ForeignKey("catalog.Category", verbose_name=_("category"), null=True, blank=True,
                                 related_name="+", on_delete=models.PROTECT,
                                 help_text=_("Only the items of this category (and its subcategories) are discounted. "
                                             "Empty: the whole order."))
    minimum_order = MoneyField(_("minimum order"), default=Decimal("0"),
                               help_text=_("The items' total before discounts must reach it."))
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("uses in total"), null=True, blank=True,
                                           help_text=_("Empty: no limit."))
    max_uses_per_customer = models.PositiveIntegerField(_("uses per customer"), null=True, blank=True, default=1,
                                                        help_text=_("Per account, or per email for guests. Empty: "
                                                                    "no limit."))
    stackable = models.BooleanField(_("combines with other codes"), default=False,
                                    help_text=_("One code per order, unless every code in it may be combined."))
    email = models.EmailField(_("reserved for"), blank=True,
                              help_text=_("Only this customer may use it (the codes the shop sends on its own)."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CouponQuerySet.as_manager()

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="coupon_code_unique_ci"),
            models.CheckConstraint(condition=~Q(kind="percent") | Q(value__gt=0, value__lte=100),
                                   name="coupon_percent_within_100"),
            models.CheckConstraint(condition=~Q(kind="fixed") | Q(value__gt=0), name="coupon_fixed_positive"),
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=True)
                                   | Q(ends_at__gt=models.F("starts_at")), name="coupon_ends_after_start"),
        ]

    def __str__(self):
        return self.code

    def label(self, language: str) -> str:
        return self.description_fr if language.startswith("fr") and self.description_fr else self.description


class CouponRedemption(models.Model):
    """One use of a code by one order: what the order saved with it (for a free-shipping code, the shipping waived)."""

    coupon = models.ForeignKey(Coupon, verbose_name=_("coupon"), related_name="redemptions",
                               on_delete=models.PROTECT)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), related_name="coupon_redemptions",
                              on_delete=models.PROTECT)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("customer account"), null=True, blank=True,
                             related_name="+", on_delete=models.SET_NULL)
    email = models.EmailField(_("email"))
    amount = MoneyField(_("amount"))
    created_at = models.DateTimeField(_("used"), auto_now_add=True)

    class Meta:
        verbose_name = _("coupon use")
        verbose_name_plural = _("coupon uses")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["coupon", "order"], name="coupon_once_per_order"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="coupon_redemption_amount_positive"),
        ]
        indexes = [models.Index(Lower("email"), "coupon", name="coupon_redemption_email")]

    def __str__(self):
        return f"{self.coupon} · {self.order}"


class Incentive(models.Model):
    """A coupon the shop sent on its own. The constraint makes "once per customer and kind" true."""

    class Kind(models.TextChoices):
        WELCOME = "welcome", _("Welcome")
        THANK_YOU = "thank_you", _("Thank you for a first order")
        WIN_BACK = "win_back", _("We miss you")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    email = models.EmailField(_("email"), help_text=_("Stored in lower case."))
    coupon = models.OneToOneField(Coupon, verbose_name=_("coupon"), related_name="incentive",
                                  on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("incentive sent")
        verbose_name_plural = _("incentives sent")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "email"], name="incentive_once_per_customer")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.email}"


class WinBackCandidate(CustomerScore):
    """The customers the churn alert flags (crm.CustomerScore.churn_risk), for staff to approve a "we miss you"
    coupon (coupons.admin)."""

    class Meta:
        proxy = True
        verbose_name = _("customer to win back")
        verbose_name_plural = _("customers to win back")
