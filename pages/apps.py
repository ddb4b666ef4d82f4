from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Pages and stores")

    def ready(self):
        from shipping.services.pickups import store_week_readers

        from .selectors import store_week

        # The pickup emails show the store's week of hours (shipping is a layer below: it cannot import pages).
        if store_week not in store_week_readers:
            store_week_readers.append(store_week)
