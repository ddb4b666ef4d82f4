"""Each ready-made group walks through the admin: a staff member of that group signs in, opens the index and, for
every registered model, its list, its add page and the change page of a row. What the group's definition
(staff.roles) grants is open (200) — editable only with the change permission — and everything else is 403.

Expectations come from the definition, so a model registered later is walked too; what the admin itself never
offers (adding an order, editing the stock ledger) is read from the admin as a superuser sees it."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Address, Profile
from catalog.models import ProductVariant
from checkout.models import Cart
from checkout.services.cart import cart_add
from checkout.services.placing import CheckoutDetails, order_place
from community.tests.factories import AnswerFactory, QuestionFactory, ReviewFactory
from conftest import STAFF_PASSWORD
from crm.models import ConsentEvent, CustomerScore, Perk, Segment
from crm.services.scoring import customer_scores_compute
from demo import seeds as demo
from help.demo import faq_demo_seed
from help.services import question_ask, search_miss_record
from inventory.services import api_token_create
from orders.models import DeliveryMethod, TaxRate
from orders.rates import rates_and_delivery_seed
from payments.demo import business_account_seed
from payments.models import Invoice, Payment, StripeEvent
from payments.services.received import payment_record
from payments.services.refunds import refund_create
from returns.services import return_request
from shipping.models import Carrier
from shipping.services.shipments import shipment_create, shipment_deliver
from staff import roles

pytestmark = pytest.mark.django_db

GROUPS = ["Store staff", "Warehouse", "Accounts", "Marketing", "Managers", "Catalogue managers"]

# Admin pages of their own, their arguments, and what each needs: all the permissions of one of the sets.
CUSTOM_PAGES = [
    ("admin:inventory_stock_record", lambda: ["sale"], [{"inventory.add_stockmovement"}]),
    ("admin:inventory_stock_record", lambda: ["transfer"], [{"inventory.add_stockmovement"}]),
    ("admin:shipping_shipment_to_prepare", list, [{"shipping.view_shipment"}, {"shipping.change_shipment"}]),
    ("admin:crm_contact_pareto", list, [{"crm.view_contact"}, {"crm.change_contact"}]),
    # picking the customer of a business account (its user field searches the user accounts)
    ("admin:autocomplete", list, [{"auth.view_user"}]),
    # "Record a payment" on an invoice; "Refund…" on a payment makes a refund
    ("admin:payments_invoice_record_payment", lambda: [Invoice.objects.get().pk], [{"payments.change_invoice"}]),
    ("admin:payments_payment_refund", lambda: [Payment.objects.get().pk],
     [{"payments.change_payment", "payments.add_refund"}]),
]
QUERIES = {"admin:autocomplete": "?app_label=payments&model_name=creditaccount&field_name=user&term=acme"}


@pytest.fixture
def shop(db):
    """The demo shop (products, stock, locations, FAQ, a business account), a cheque order paid, shipped, delivered,
    returned and partly refunded, and a row of each kind staff moderate or look up: every registered model has a
    row, so every change page is opened."""
    demo.staff_seed()
    demo.demo_products_seed(with_images=False)
    faq_demo_seed()
    business_account_seed()
    rates_and_delivery_seed(TaxRate, DeliveryMethod)
    cart = Cart.objects.create()
    cart_add(cart=cart, variant_id=ProductVariant.objects.get(sku="DEMO-CASIROSKI").pk, quantity=1)
    details = CheckoutDetails(email="ana@example.com", phone="403-555-0101", ship_name="Ana Tremblay",
                              ship_address="100 8 Ave SW", ship_city="Calgary", ship_province="AB",
                              ship_postal_code="T2P 1J9", payment_method="cheque",
                              delivery_method_id=DeliveryMethod.objects.get(code="standard").pk)
    order = order_place(cart=cart, details=details, language="en")
    payment = payment_record(order=order, amount=Decimal(order.total), method="cheque")
    line = order.lines.get()
    shipment = shipment_create(order=order, carrier=Carrier.objects.create(code="test-post", name="Test Post"),
                               tracking_number="T1", quantities={line.pk: 1})
    shipment_deliver(shipment=shipment)
    return_request(order=order, quantities={line.pk: 1}, reason="Too heavy")
    refund_create(payment=payment, amount=Decimal("1.00"), reason="Goodwill")
    customer_scores_compute()

    acme = User.objects.get(username="acme")
    Profile.objects.create(user=acme, company="Acme Cafés Ltd.")
    Address.objects.create(user=acme, label="Office", name="Alex Martin", street="100 8 Ave SW", city="Calgary",
                           province="AB", postal_code="T2P 1J9")
    product = line.variant.product
    AnswerFactory(question=QuestionFactory(product=product))
    ReviewFactory(product=product)
    Perk.objects.create(tier=CustomerScore.Tier.TOP, text="Free delivery")
    Segment.objects.create(name="Albertans", purpose=ConsentEvent.Purpose.choices[0][0], provinces="AB")
    question_ask(name="Luc", email="luc@example.com", question="Do you ship to Nunavut?", language="en")
    search_miss_record(query="snowshoes", language="en")
    api_token_create(user=acme, name="Till")
    StripeEvent.objects.create(event_id="evt_1", type="checkout.session.completed", payload={})


def superuser_request(django_user_model):
    request = RequestFactory().get("/admin/")
    request.user = django_user_model(username="root", is_superuser=True, is_staff=True, is_active=True)
    return request


def admin_url(model, page, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def granted(group: str) -> set[str]:
    return roles.role_permissions(Permission.objects.values_list("content_type__app_label", "content_type__model",
                                                                 "codename"))[group]


@pytest.mark.parametrize("group", GROUPS)
def test_each_group_opens_in_the_admin_exactly_what_its_role_grants(group, shop, staff_in, django_user_model):
    staff_in(group, username="walker")
    browser = Client()
    signed_in = browser.post(reverse("admin:login"), {"username": "walker", "password": STAFF_PASSWORD})
    assert signed_in.status_code == 302, f"{group} could not sign in"
    perms = granted(group)
    root = superuser_request(django_user_model)

    def holds(model, action):
        return f"{model._meta.app_label}.{action}_{model._meta.model_name}" in perms

    index = browser.get(reverse("admin:index"))
    assert index.status_code == 200
    listed = {(m["model"]._meta.label) for app in index.context["app_list"] for m in app["models"]}

    expected_listed, wrong = set(), []
    for model, model_admin in admin.site._registry.items():
        may_view = holds(model, "view") or holds(model, "change")
        may_add = holds(model, "add") and model_admin.has_add_permission(root)
        if may_view or may_add:
            expected_listed.add(model._meta.label)

        changelist = browser.get(admin_url(model, "changelist"), follow=True)
        if changelist.status_code != (200 if may_view else 403):
            wrong.append(f"{model._meta.label} list: {changelist.status_code}")

        add = browser.get(admin_url(model, "add"))
        if add.status_code != (200 if may_add else 403):
            wrong.append(f"{model._meta.label} add: {add.status_code}")

        row = model_admin.get_queryset(root).order_by("pk").first()
        if row is None:
            continue
        change = browser.get(admin_url(model, "change", row.pk))
        if change.status_code != (200 if may_view else 403):
            wrong.append(f"{model._meta.label} change page: {change.status_code}")
        elif may_view:
            may_change = holds(model, "change") and model_admin.has_change_permission(root, row)
            if ('<input type="submit"' in change.content.decode()) != may_change:
                wrong.append(f"{model._meta.label} change page editable: {not may_change}")

    for name, args, needs in CUSTOM_PAGES:
        page = browser.get(reverse(name, args=args()) + QUERIES.get(name, ""))
        if page.status_code != (200 if any(one <= perms for one in needs) else 403):
            wrong.append(f"{name} {args}: {page.status_code}")

    assert wrong == []
    assert listed == expected_listed
