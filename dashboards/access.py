"""Who reads the dashboards: the Managers group (staff.roles.MANAGERS) and superusers. Everyone else, signed in or
not, gets 403: the figures (revenue, what customers owe, later staffing costs) are the business's own, and a sign-in
page would only tell a store clerk to try another account."""

from django.core.exceptions import PermissionDenied

from staff.roles import MANAGERS


def is_manager(user) -> bool:
    """Active, and a superuser or in the Managers group (read once per request)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_dashboards_manager", None)
    if cached is None:
        cached = user._dashboards_manager = user.groups.filter(name=MANAGERS).exists()
    return cached


class ManagersOnlyMixin:
    """For every dashboard view, page or CSV: 403 unless is_manager."""

    def dispatch(self, request, *args, **kwargs):
        if not is_manager(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
