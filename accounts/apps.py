from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """A signed-in customer's profile and address book (used to pre-fill checkout)."""

    name = "accounts"
    verbose_name = _("Customer accounts")
