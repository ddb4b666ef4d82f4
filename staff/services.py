"""The ready-made groups of roles.py, created and kept exactly in line with it in every database."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS, router, transaction

from .roles import GROUP_NAMES, role_permissions


def staff_groups_sync(*, using: str = DEFAULT_DB_ALIAS, apps=global_apps) -> dict[str, int]:
    """Create the groups that are missing and set each group's permissions to exactly its definition. Idempotent.
    `apps` is the registry to read models from (the migration state's after `migrate`). Returns group -> number of
    permissions."""
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # auth is not migrated in this database (yet)
        return {}
    if not router.allow_migrate_model(using, Group):
        return {}
    rows = Permission.objects.using(using).values_list("pk", "content_type__app_label", "content_type__model",
                                                       "codename")
    pk_of = {f"{app}.{codename}": pk for pk, app, _model, codename in rows}
    granted = role_permissions((app, model, codename) for _pk, app, model, codename in rows)
    counts = {}
    with transaction.atomic(using=using):
        for name in GROUP_NAMES:
            group, _created = Group.objects.using(using).get_or_create(name=name)
            group.permissions.set(sorted(pk_of[perm] for perm in granted[name]))
            counts[name] = len(granted[name])
    return counts


def staff_groups_after_migrate(sender, *, using=DEFAULT_DB_ALIAS, apps=global_apps, verbosity=1, **kwargs) -> None:
    """post_migrate: every app's permissions first, then the groups. Django has already created the permissions of
    the apps listed before this one in INSTALLED_APPS (it signals the apps in that order); those of the apps listed
    after it are created here, so the order of INSTALLED_APPS does not matter."""
    configs = list(global_apps.get_app_configs())
    for app_config in configs[configs.index(sender) + 1:] if sender in configs else configs:
        create_permissions(app_config, verbosity=0, interactive=False, using=using, apps=apps)
    counts = staff_groups_sync(using=using, apps=apps)
    if verbosity >= 2 and counts:
        print("Staff groups: " + ", ".join(f"{name} ({n} permissions)" for name, n in counts.items()))
