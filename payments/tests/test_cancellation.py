"""Staff cancel a paid order: a confirmation page says what will happen; confirmed, the order is cancelled, its
stock released, the customer emailed and the refund started (card) or listed as owed (cheque) — issue 18, item 5."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from inventory.models import Stock, StockMovement
from orders.models import Order
from outbox.models import OutboxEmail
from payments.models import Invoice, Refund
from payments.services.cancellation import order_cancel
from payments.services.received import payment_record
from payments.tests.helpers import pay_and_confirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_card(client, stripe_fake, card_order):
    order, payment = card_order
    pay_and_confirm(client, stripe_fake, payment)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


@pytest.fixture
def paid_cheque(order_for, mug):
    order = order_for("cheque", (mug, 1))
    payment_record(order=order, amount=Decimal("34.13"), method="cheque", reference="No. 12")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def cancel_url(order):
    return reverse("admin:orders_order_cancel", args=[order.pk])


def emails_about(order, subject):
    return list(OutboxEmail.objects.filter(reference=order.number, subject__contains=subject))


def test_the_confirmation_page_says_what_will_happen_and_changes_nothing(admin_client, paid_card, mug):
    emails_before = OutboxEmail.objects.count()

    page = admin_client.get(cancel_url(paid_card))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Stock back: 1 unit goes back on sale." in html
    assert "Refund: $34.13 back to the customer’s card" in html
    assert "The customer is emailed at ana@example.com" in html
    paid_card.refresh_from_db()
    assert paid_card.status == Order.Status.PAID
    assert Stock.objects.get(variant=mug).reserved == 1
    assert not Refund.objects.exists() and OutboxEmail.objects.count() == emails_before


def test_cancelling_a_paid_card_order_refunds_it_releases_the_stock_and_emails_the_customer(
        admin_client, paid_card, mug, stripe_fake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(cancel_url(paid_card), {"reason": "Out of glaze"}, follow=True)

    paid_card.refresh_from_db()
    assert paid_card.status == Order.Status.CANCELLED
    assert paid_card.attention == ""  # the refund is on its way: nothing for staff to do
    assert Stock.objects.get(variant=mug).reserved == 0
    assert StockMovement.objects.filter(kind="online_release", reference=paid_card.number).count() == 1
    refund = Refund.objects.get(order=paid_card)
    assert (refund.amount, refund.status, refund.reason) == (Decimal("34.13"), Refund.Status.SUCCEEDED,
                                                             "Out of glaze")
    assert [r["amount"] for r in stripe_fake.refunds.values()] == [3413]
    invoice = Invoice.objects.get(order=paid_card)
    assert (invoice.status, invoice.balance) == (Invoice.Status.VOID, Decimal("0.00"))
    [email] = emails_about(paid_card, "is cancelled")
    assert email.to == "ana@example.com" and email.language == "en"
    assert "We are refunding $34.13 to the card you paid with." in email.text_body
    assert "Reason: Out of glaze" in email.text_body
    assert len(emails_about(paid_card, "refund of $34.13")) == 1  # the refund's own email, once Stripe took it
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"Order {paid_card.number} is cancelled and its stock released; the customer is emailed. "
                        "Card refund of $34.13 started."]


def test_cancelling_a_paid_cheque_order_lists_the_refund_as_owed(admin_client, paid_cheque, mug):
    admin_client.post(cancel_url(paid_cheque), {"reason": ""})

    paid_cheque.refresh_from_db()
    assert paid_cheque.status == Order.Status.CANCELLED
    assert not Refund.objects.exists()  # nobody has sent the cheque back yet
    invoice = Invoice.objects.get(order=paid_cheque)
    assert (invoice.status, invoice.balance) == (Invoice.Status.VOID, Decimal("-34.13"))
    assert paid_cheque.attention == ("Cancelled: $34.13 received by cheque or transfer is owed back to the customer; "
                                     "record the refund on the payment once it is sent.")
    owed = admin_client.get(reverse("admin:payments_invoice_changelist") + "?state=owed")
    assert [i.pk for i in owed.context["cl"].result_list] == [invoice.pk]
    [email] = emails_about(paid_cheque, "is cancelled")
    assert "We owe you the $34.13 you paid and will send it back the way you paid." in email.text_body
    assert "Reason: Order cancelled by the shop" in email.text_body
    assert Stock.objects.get(variant=mug).reserved == 0


def test_the_owed_list_leaves_out_invoices_settled_or_still_unpaid(admin_client, order_for, mug, paid_cheque):
    unpaid = order_for("cheque", (mug, 1))
    order_cancel(order=unpaid)  # nothing received: nothing owed

    owed = admin_client.get(reverse("admin:payments_invoice_changelist") + "?state=owed")

    assert list(owed.context["cl"].result_list) == []


def test_the_list_action_asks_for_confirmation_before_cancelling(admin_client, paid_cheque):
    changelist = reverse("admin:orders_order_changelist")
    selection = {"action": "cancel_orders", "_selected_action": [paid_cheque.pk]}

    page = admin_client.post(changelist, selection)

    assert page.status_code == 200 and "Refund owed: $34.13" in page.content.decode()
    paid_cheque.refresh_from_db()
    assert paid_cheque.status == Order.Status.PAID

    admin_client.post(changelist, {**selection, "confirm": "yes", "reason": "Duplicate order"})

    paid_cheque.refresh_from_db()
    assert paid_cheque.status == Order.Status.CANCELLED
    assert paid_cheque.events.filter(status=Order.Status.CANCELLED, note="Duplicate order").exists()


def test_an_order_already_shipped_cannot_be_cancelled_and_the_page_says_so(admin_client, paid_cheque):
    from orders.services.status import order_transition

    order_transition(order=paid_cheque, to=Order.Status.PREPARING)
    order_transition(order=paid_cheque, to=Order.Status.SHIPPED)

    page = admin_client.get(cancel_url(paid_cheque)).content.decode()
    response = admin_client.post(cancel_url(paid_cheque), follow=True)

    assert "can no longer be cancelled" in page and "Yes, cancel the order" not in page
    assert "cannot become" in " ".join(str(m) for m in response.context["messages"])
    paid_cheque.refresh_from_db()
    assert paid_cheque.status == Order.Status.SHIPPED
    assert not emails_about(paid_cheque, "is cancelled")


def test_an_unpaid_order_cancelled_by_staff_tells_the_customer_nothing_is_owed(order_for, mug):
    order = order_for("cheque", (mug, 1))

    done = order_cancel(order=order)

    assert (done.refunds, done.owed) == ([], Decimal("0.00"))
    [email] = emails_about(order, "is cancelled")
    assert "You had not paid anything for this order" in email.text_body


def test_the_order_page_links_to_the_confirmation(admin_client, paid_cheque):
    page = admin_client.get(reverse("admin:orders_order_change", args=[paid_cheque.pk])).content.decode()

    assert cancel_url(paid_cheque) in page and "Cancel this order…" in page


@pytest.mark.parametrize("group", ["Warehouse", "Accounts", "Store staff", "Marketing", "Catalogue managers"])
def test_only_staff_who_may_change_orders_can_cancel_them(client, django_user_model, paid_cheque, group):
    from staff.services import staff_groups_sync

    staff_groups_sync()
    user = django_user_model.objects.create_user("someone", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)

    assert client.get(cancel_url(paid_cheque)).status_code == 403
    assert client.post(cancel_url(paid_cheque)).status_code == 403
    paid_cheque.refresh_from_db()
    assert paid_cheque.status == Order.Status.PAID


def test_a_manager_can_cancel_a_paid_order(client, django_user_model, paid_cheque):
    from staff.services import staff_groups_sync

    staff_groups_sync()
    user = django_user_model.objects.create_user("boss", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Managers"))
    client.force_login(user)

    assert client.get(cancel_url(paid_cheque)).status_code == 200
    client.post(cancel_url(paid_cheque))

    paid_cheque.refresh_from_db()
    assert paid_cheque.status == Order.Status.CANCELLED


def test_the_customer_still_cancels_an_unpaid_order_from_its_page(client, order_for, mug):
    order = order_for("cheque", (mug, 1))

    client.post(reverse("orders:order_cancel", kwargs={"number": order.number}), {"t": order.access_token})

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert not emails_about(order, "is cancelled")  # as before: the page tells them
