from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.models import Province


class Profile(models.Model):
    """What a customer tells us about themself beyond the account's name and email."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, related_name="profile", on_delete=models.CASCADE)
    phone = models.CharField(_("phone"), max_length=12, blank=True)
    phone_alt = models.CharField(_("other phone"), max_length=12, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)

    def __str__(self):
        return f"Profile of {self.user}"


class Address(models.Model):
    """One saved delivery address; the default one pre-fills checkout."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="addresses", on_delete=models.CASCADE)
    label = models.CharField(_("label"), max_length=40, help_text=_("For example Home or Office."))
    name = models.CharField(_("full name"), max_length=120)
    street = models.CharField(_("street address"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices)
    postal_code = models.CharField(_("postal code"), max_length=7)
    phone = models.CharField(_("phone"), max_length=12, blank=True)
    is_default = models.BooleanField(_("default address"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "label", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(is_default=True), name="one_default_address_per_user"),
        ]

    def __str__(self):
        return f"{self.label}: {self.street}, {self.city}"
