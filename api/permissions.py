"""Who may do what through the API: the permissions the user holds through their groups (staff.roles) or directly,
per object kind, never is_staff alone. Reading needs "view", like the admin."""

from rest_framework import permissions

# HTTP method -> the model permission it needs.
ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change", "PATCH": "change",
           "DELETE": "delete"}


def model_permission(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class ModelPermissions(permissions.BasePermission):
    """DjangoModelPermissions with "view" for reads. A view may name other permissions per DRF action in
    ``action_permissions`` (e.g. {"transition": ["orders.change_order"]}) or for its methods in
    ``method_permissions`` (e.g. {"POST": ["inventory.add_stockmovement"]})."""

    def required(self, request, view) -> list[str]:
        action = getattr(view, "action", None)
        by_action = getattr(view, "action_permissions", {})
        if action in by_action:
            return list(by_action[action])
        by_method = getattr(view, "method_permissions", {})
        if request.method in by_method:
            return list(by_method[request.method])
        if by_method:  # a method the view does not answer (405 next): reads as GET, anything else needs them all
            if request.method in permissions.SAFE_METHODS and "GET" in by_method:
                return list(by_method["GET"])
            return sorted({perm for perms in by_method.values() for perm in perms})
        model = view.get_queryset().model
        return [model_permission(model, ACTIONS.get(request.method, "delete"))]

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False  # 401: DRF answers NotAuthenticated when an authenticator is set
        return user.has_perms(self.required(request, view))
