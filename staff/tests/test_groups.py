"""The ready-made groups exist in every database after `migrate`, hold exactly what staff.roles says, follow new
models, and keep the least-privilege promises of the README."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from demo import seeds as demo
from staff import roles
from staff.services import staff_groups_sync

pytestmark = pytest.mark.django_db

SIX = {"Store staff", "Warehouse", "Accounts", "Marketing", "Managers", "Catalogue managers"}


def held(group_name: str) -> set[str]:
    return {f"{app}.{codename}" for app, codename in Group.objects.get(name=group_name).permissions.values_list(
        "content_type__app_label", "codename")}


def definition() -> dict[str, set[str]]:
    return roles.role_permissions(Permission.objects.values_list("content_type__app_label", "content_type__model",
                                                                 "codename"))


def test_a_migrated_database_has_the_six_groups_holding_exactly_their_definition():
    assert set(Group.objects.values_list("name", flat=True)) == SIX
    expected = definition()
    for name in SIX:
        assert held(name) == expected[name], name
    assert held("Store staff") == {
        "inventory.view_stock", "inventory.add_stockmovement", "inventory.view_stockmovement",
        "inventory.view_stocklocation", "catalog.view_product", "catalog.view_productvariant",
        "staff.view_timeentry", "staff.add_timeentry", "quotes.view_quote", "quotes.change_quote",
        "shipping.view_pickup", "shipping.change_pickup"}  # their own stores' pickups (shipping.StoreAssignment)


def test_migrate_puts_back_a_deleted_group_and_an_edited_one():
    Group.objects.filter(name="Warehouse").delete()
    store_staff = Group.objects.get(name="Store staff")
    store_staff.permissions.add(Permission.objects.get(codename="view_order"))
    store_staff.permissions.remove(Permission.objects.get(codename="add_stockmovement"))

    call_command("migrate", verbosity=0)

    assert set(Group.objects.values_list("name", flat=True)) == SIX
    assert held("Store staff") == definition()["Store staff"]
    assert "orders.view_order" not in held("Store staff")
    assert "shipping.add_shipment" in held("Warehouse")


def test_syncing_twice_changes_nothing():
    before = {name: held(name) for name in SIX}
    ids = set(Group.objects.values_list("pk", flat=True))

    first = staff_groups_sync()
    second = staff_groups_sync()

    assert first == second == {name: len(before[name]) for name in SIX}
    assert {name: held(name) for name in SIX} == before
    assert set(Group.objects.values_list("pk", flat=True)) == ids


def test_a_model_added_later_goes_to_the_managers_only():
    kind = ContentType.objects.create(app_label="shipping", model="parcellocker")
    for action in ("view", "add", "change", "delete"):
        Permission.objects.create(content_type=kind, codename=f"{action}_parcellocker", name=f"Can {action} locker")

    staff_groups_sync()

    assert {p for p in held("Managers") if p.endswith("_parcellocker")} == {
        "shipping.view_parcellocker", "shipping.add_parcellocker", "shipping.change_parcellocker"}
    for name in SIX - {"Managers"}:
        assert not {p for p in held(name) if p.endswith("_parcellocker")}, name


def test_every_object_kind_the_roles_name_is_a_real_model():
    kinds = {kind for kinds in roles.ROLES.values() for kind in kinds}
    kinds |= set(roles.MANAGER_LIMITS) | roles.MANAGER_DELETE | set(roles.MANAGER_EXTRA)

    for kind in sorted(kinds):
        apps.get_model(kind)  # LookupError names a misspelt kind


def test_only_superusers_manage_accounts_groups_api_keys_stripe_events_and_the_outbox():
    technical = {"auth.add_user", "auth.change_user", "auth.delete_user", "auth.view_group", "auth.change_group",
                 "auth.add_group", "auth.view_permission", "account.view_emailaddress",
                 "account.change_emailaddress", "inventory.view_apitoken", "inventory.add_apitoken",
                 "payments.view_stripeevent", "outbox.view_outboxemail", "outbox.change_outboxemail",
                 "admin.view_logentry"}

    for name in SIX:
        assert not held(name) & technical, name


def test_each_role_holds_its_own_work_and_not_the_others():
    assert not {p for p in held("Store staff") if p.startswith(("orders.", "payments.", "shipping.", "crm."))} - {
        "shipping.view_pickup", "shipping.change_pickup"}
    assert {"orders.view_order", "shipping.add_shipment", "shipping.change_shipment"} <= held("Warehouse")
    assert not {p for p in held("Warehouse") if p.startswith(("payments.", "crm."))}
    assert "orders.change_order" not in held("Warehouse") | held("Accounts")
    assert {"payments.change_invoice", "payments.change_payment", "payments.add_refund",
            "payments.add_creditaccount", "orders.view_order"} <= held("Accounts")
    assert {"crm.view_consentevent", "crm.change_segment", "community.change_review", "help.change_faqentry",
            "pages.change_page", "pages.change_newsitem"} <= held("Marketing")
    assert not {"crm.add_consentevent", "crm.change_consentevent", "orders.view_order"} & held("Marketing")
    assert {"catalog.change_product", "catalog.change_productvariant", "catalog.delete_productimage"} <= held(
        "Catalogue managers")
    assert not {p for p in held("Catalogue managers") if p.startswith(("orders.", "payments.", "crm."))}
    assert {"orders.change_order", "payments.change_invoice", "crm.change_contact", "catalog.change_product",
            "shipping.change_carrier", "auth.view_user"} <= held("Managers")
    assert not {"inventory.change_stockmovement", "inventory.delete_stockmovement", "crm.change_consentevent",
                "orders.add_order", "orders.delete_order"} & held("Managers")


def test_the_demo_counter_clerk_is_store_staff():
    demo.staff_seed()
    demo.staff_seed()

    counter = apps.get_model("auth.User").objects.get(username="counter")
    assert list(counter.groups.values_list("name", flat=True)) == ["Store staff"]
    assert counter.has_perm("inventory.add_stockmovement") and not counter.has_perm("orders.view_order")
