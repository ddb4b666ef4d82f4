from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff roles")

    def ready(self):
        # Django's own pattern for rows every database needs (auth creates permissions the same way): after each
        # `migrate` (and each test-database flush) the ready-made groups are created or brought up to date.
        from .services import staff_groups_after_migrate

        post_migrate.connect(staff_groups_after_migrate, sender=self, dispatch_uid="staff_groups_sync")
