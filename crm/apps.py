from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    """Contacts and customer relationships (customers, suppliers, partners...); grows with the CRM issues."""

    name = "crm"
    verbose_name = _("Customers and contacts")
