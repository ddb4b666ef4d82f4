"""Cross-sell (M6): which products are bought together, computed once a night from the paid orders
(recommendations.services.product_pairs_compute) and read by the shop's pages through the page cache."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProductPair(models.Model):
    """`other` was bought in `support` distinct counted orders that also hold `product`; `rank` 1 is the most
    bought with it (ties: the lower product id first). Only the top SHOP_CROSS_SELL_TOP of each product are kept,
    and only pairs with at least SHOP_CROSS_SELL_MIN_SUPPORT orders. The whole table is replaced each night."""

    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), related_name="+",
                                on_delete=models.CASCADE)
    other = models.ForeignKey("catalog.Product", verbose_name=_("also bought"), related_name="+",
                              on_delete=models.CASCADE)
    support = models.PositiveIntegerField(_("orders with both"))
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        verbose_name = _("product pair")
        verbose_name_plural = _("product pairs")
        ordering = ["product", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["product", "rank"], name="product_pair_rank_unique"),
            models.UniqueConstraint(fields=["product", "other"], name="product_pair_unique"),
            models.CheckConstraint(condition=~Q(product=models.F("other")), name="product_pair_two_products"),
        ]

    def __str__(self):
        return f"{self.product_id} + {self.other_id} ({self.support})"
