"""Customers and suppliers in and out as CSV (issue 18, I8): matched by email in any letter case, consent never
imported, bad rows refused with nothing written, Marketing imports and Accounts does not."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import STAFF_PASSWORD
from core.csv_io import csv_export, csv_import, row_errors
from crm.models import ConsentEvent, Contact
from crm.resources import CustomerResource, SupplierResource

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(db):
    Contact.objects.create(kind="customer", name="Ann Éloïse", email="ann@example.com", city="Montréal",
                           province="QC", language="fr", notes='Likes "blue", not green')
    Contact.objects.create(kind="customer", name="Bob", email="bob@example.com")
    Contact.objects.create(kind="supplier", name="Clay Co", email="orders@clay.example", is_company=True)


def _contacts():
    return sorted(Contact.objects.values_list("kind", "name", "email", "is_company", "city", "province", "language",
                                              "notes", "updated_at"))


def test_customers_and_suppliers_export_apart_and_import_back_unchanged(contacts):
    customers, suppliers = csv_export(CustomerResource()), csv_export(SupplierResource())
    assert customers.startswith('\ufeff"email","name","is_company"')
    assert '"ann@example.com","Ann Éloïse","0","","Montréal","QC","","fr","Likes ""blue"", not green"' in customers
    assert "clay" not in customers and "ann@" not in suppliers
    before = _contacts()

    for resource, text in ((CustomerResource(), customers), (SupplierResource(), suppliers)):
        assert {row.import_type for row in csv_import(resource, text, dry_run=True).rows} == {"skip"}
        csv_import(resource, text, dry_run=False)

    assert _contacts() == before


def test_contacts_match_by_email_in_any_case_and_no_consent_is_imported(contacts):
    text = "email,name,language,newsletter\r\nANN@Example.com,Ann E.,fr,yes\r\ncid@example.com,Cid,en,yes\r\n"

    result = csv_import(CustomerResource(), text, dry_run=False)

    assert [row.import_type for row in result.rows] == ["update", "new"]
    assert Contact.objects.get(email="ann@example.com").name == "Ann E."
    assert Contact.objects.get(email="cid@example.com").kind == "customer"
    assert not ConsentEvent.objects.exists()


def test_bad_contact_rows_are_named_and_nothing_is_written(contacts):
    before = _contacts()
    text = ("email,name,province,language\r\n"
            "bob@example.com,Robert,AB,en\r\n"  # good
            ",Nobody,,en\r\n"  # no email
            "not-an-email,Zed,,en\r\n"
            "dee@example.com,Dee,ZZ,de\r\n"  # unknown language
            "eve@example.com,Eve,ZZ,en\r\n")  # unknown province

    errors = row_errors(csv_import(CustomerResource(), text, dry_run=False))

    assert errors == [
        (2, "email: An email is needed: contacts are matched by their email."),
        (3, "email: Enter a valid email address."),
        (4, "language: “de” is not a language of the shop: write en or fr."),
        (5, "province: Value 'ZZ' is not a valid choice."),
    ]
    assert _contacts() == before


def _login(client, staff_in, group):
    user = staff_in(group)
    client.login(username=user.username, password=STAFF_PASSWORD)
    return user


def test_marketing_imports_suppliers_through_the_preview(client, staff_in, contacts):
    _login(client, staff_in, "Marketing")
    page = client.get(reverse("admin:crm_contact_changelist")).content.decode()
    assert reverse("admin:crm_contact_import") in page and reverse("admin:crm_contact_export") in page
    upload = SimpleUploadedFile("suppliers.csv", b"email,name,is_company\r\nsales@glaze.example,Glaze Ltd,1\r\n")

    preview = client.post(reverse("admin:crm_contact_import"), {"format": 0, "import_file": upload, "resource": 1})
    assert "Confirm import" in preview.content.decode() and not Contact.objects.filter(name="Glaze Ltd").exists()
    client.post(reverse("admin:crm_contact_process_import"), preview.context["confirm_form"].initial)

    glaze = Contact.objects.get(email="sales@glaze.example")
    assert (glaze.kind, glaze.is_company) == ("supplier", True)


def test_accounts_staff_get_no_contact_import_or_export(client, staff_in, contacts):
    _login(client, staff_in, "Accounts")
    assert client.get(reverse("admin:crm_contact_import")).status_code == 403
    assert client.get(reverse("admin:crm_contact_export")).status_code == 403
