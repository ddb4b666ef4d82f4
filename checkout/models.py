"""The cart: a guest's or a signed-in customer's, until it becomes an order. Its tables keep the names the orders
app gave them (moved with SeparateDatabaseAndState: an existing shop's carts stay where they are)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Cart(models.Model):
    """A guest's cart (found through the session) or a signed-in customer's (found through the user)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="cart", on_delete=models.CASCADE
    )
    # The discount codes the shopper entered, in the order entered (coupons.services checks them at each price).
    coupon_codes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "orders_cart"  # made by the orders app, before checkout was its own
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self):
        return f"Cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey("catalog.ProductVariant", related_name="+", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    # A line put here by accepting a quote (made to order): sold at the quote's unit price, in the quantity quoted.
    quote = models.ForeignKey("quotes.Quote", null=True, blank=True, related_name="+", on_delete=models.CASCADE)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "orders_cartline"
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cart_one_line_per_sku"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.variant_id}"
