"""Payment reminders for invoices paid later: "due soon", "overdue", then a "final notice", each sent once, in the
customer's language, with what is still owed to the cent."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.utils import formats, timezone, translation

from checkout.models import Cart
from checkout.services.cart import cart_add
from checkout.services.placing import CheckoutDetails, order_place
from outbox.models import OutboxEmail
from payments import tasks
from payments.models import CreditAccount, Invoice
from payments.services import reminders
from payments.services.received import payment_record
from payments.tests.conftest import ALBERTA

pytestmark = pytest.mark.django_db

R = Invoice.Reminder


@pytest.fixture
def buyer(django_user_model):
    return django_user_model.objects.create_user("acme", "buyer@acme.example", "pw")


@pytest.fixture
def account(buyer):
    return CreditAccount.objects.create(user=buyer, company_name="Acme Cafés", credit_limit=Decimal("500.00"),
                                        terms_days=30)


@pytest.fixture
def on_account(canada, kettle, buyer, account, order_for):
    """A $98.18 order on account, $40.00 of it paid by cheque: $58.18 still owed."""
    order = order_for("account", (kettle, 1), user=buyer, po="PO-2231")
    payment_record(order=order, amount=Decimal("40.00"), method="cheque", reference="No. 12")
    return order


def due_in(order, days: int):
    Invoice.objects.filter(order=order).update(due_on=timezone.localdate() + timedelta(days=days))
    return Invoice.objects.get(order=order)


def run_beat_task(capture) -> int:
    """The daily beat task, as Celery runs it (eagerly in tests), with the outbox sending after commit."""
    mail.outbox.clear()
    with capture(execute=True):
        result = tasks.invoices_remind.delay()
    return result.get()


def remind_on(capture, day) -> list[tuple[str, int]]:
    mail.outbox.clear()
    with capture(execute=True):
        return reminders.invoices_remind(today=day)


def long_date(day, language="en") -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


def test_an_invoice_due_in_two_days_gets_a_due_soon_email_with_what_is_left_to_pay(
    on_account, django_capture_on_commit_callbacks
):
    invoice = due_in(on_account, 2)

    sent = run_beat_task(django_capture_on_commit_callbacks)

    assert sent == 1
    [email] = mail.outbox
    assert email.to == ["ana@example.com"]
    assert email.subject == f"{settings.SHOP_NAME}: invoice {invoice.number} is due soon"
    assert (f"A friendly reminder: invoice {invoice.number} (order {on_account.number}) is due on "
            f"{long_date(invoice.due_on)}. Amount to pay: $58.18.") in email.body
    assert "$98.18" not in email.body
    html = email.alternatives[0][0]
    assert "Amount to pay: $58.18." in html
    invoice.refresh_from_db()
    assert invoice.reminder_sent == R.DUE_SOON and invoice.reminded_at is not None


def test_running_the_task_twice_the_same_day_sends_one_email(on_account, django_capture_on_commit_callbacks):
    due_in(on_account, 2)
    run_beat_task(django_capture_on_commit_callbacks)

    again = run_beat_task(django_capture_on_commit_callbacks)

    assert again == 0 and mail.outbox == []
    assert OutboxEmail.objects.filter(subject__contains="is due soon").count() == 1


def test_an_invoice_due_in_a_week_gets_nothing_yet(on_account, django_capture_on_commit_callbacks):
    due_in(on_account, 4)

    assert run_beat_task(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_an_invoice_due_today_is_still_due_soon_not_overdue(on_account, django_capture_on_commit_callbacks):
    invoice = due_in(on_account, 0)

    assert remind_on(django_capture_on_commit_callbacks, timezone.localdate()) == [(invoice.number, R.DUE_SOON)]
    assert mail.outbox[0].subject.endswith("is due soon")


def test_reminders_follow_the_schedule_each_stage_once(on_account, django_capture_on_commit_callbacks):
    # given: due in 2 days, $58.18 still owed
    invoice = due_in(on_account, 2)
    due = invoice.due_on
    number, order_number, due_text = invoice.number, on_account.number, long_date(due)

    # when / then: each day of the schedule
    assert remind_on(django_capture_on_commit_callbacks, due - timedelta(days=2)) == [(number, R.DUE_SOON)]
    assert remind_on(django_capture_on_commit_callbacks, due - timedelta(days=1)) == []
    assert remind_on(django_capture_on_commit_callbacks, due) == []

    assert remind_on(django_capture_on_commit_callbacks, due + timedelta(days=1)) == [(number, R.OVERDUE)]
    [overdue] = mail.outbox
    assert overdue.subject == f"{settings.SHOP_NAME}: invoice {number} is overdue"
    assert (f"Invoice {number} (order {order_number}) was due on {due_text} and $58.18 is still unpaid. "
            "Please send your payment, or tell us if something is wrong.") in overdue.body

    assert remind_on(django_capture_on_commit_callbacks, due + timedelta(days=2)) == []
    assert remind_on(django_capture_on_commit_callbacks, due + timedelta(days=14)) == []

    assert remind_on(django_capture_on_commit_callbacks, due + timedelta(days=15)) == [(number, R.FINAL)]
    [final] = mail.outbox
    assert final.subject == f"{settings.SHOP_NAME}: final notice for invoice {number}"
    assert (f"Final notice: invoice {number} (order {order_number}) has been unpaid since {due_text}. "
            "Please pay the $58.18 still owed now. Without it we will have to suspend orders on account.") in final.body

    assert remind_on(django_capture_on_commit_callbacks, due + timedelta(days=40)) == []
    assert OutboxEmail.objects.filter(reference=order_number, subject__contains=number).count() == 3


def test_an_invoice_first_seen_twenty_days_late_gets_only_the_final_notice(
    on_account, django_capture_on_commit_callbacks
):
    invoice = due_in(on_account, -20)

    sent = run_beat_task(django_capture_on_commit_callbacks)

    assert sent == 1
    assert [email.subject for email in mail.outbox] == [f"{settings.SHOP_NAME}: final notice for invoice "
                                                        f"{invoice.number}"]
    assert "Please pay the $58.18 still owed now" in mail.outbox[0].body
    assert run_beat_task(django_capture_on_commit_callbacks) == 0


def test_an_invoice_first_seen_three_days_late_gets_only_the_overdue_email(
    on_account, django_capture_on_commit_callbacks
):
    invoice = due_in(on_account, -3)

    run_beat_task(django_capture_on_commit_callbacks)

    assert [email.subject for email in mail.outbox] == [f"{settings.SHOP_NAME}: invoice {invoice.number} is overdue"]


def test_a_paid_invoice_gets_no_reminder(canada, mug, order_for, django_capture_on_commit_callbacks):
    order = order_for("cheque", (mug, 1))
    payment_record(order=order, amount=Decimal("34.13"), method="cheque")
    due_in(order, -20)

    assert run_beat_task(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_an_invoice_paid_after_its_overdue_email_gets_no_final_notice(on_account,
                                                                      django_capture_on_commit_callbacks):
    invoice = due_in(on_account, -1)
    run_beat_task(django_capture_on_commit_callbacks)
    payment_record(order=on_account, amount=Decimal("58.18"), method="transfer")

    assert remind_on(django_capture_on_commit_callbacks, invoice.due_on + timedelta(days=15)) == []
    assert mail.outbox == []


def test_a_card_order_invoice_gets_no_reminder(canada, mug, order_for, settings,
                                               django_capture_on_commit_callbacks):
    settings.STRIPE_SECRET_KEY = "sk_test_comptoir"
    card = order_for("card", (mug, 1))
    due_in(card, -20)

    assert run_beat_task(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_a_cancelled_order_gets_no_reminder(canada, mug, order_for, django_capture_on_commit_callbacks):
    from orders.models import Order
    from orders.services.status import order_transition

    order = order_for("cheque", (mug, 1))
    order_transition(order=order, to=Order.Status.CANCELLED)
    due_in(order, -1)

    assert run_beat_task(django_capture_on_commit_callbacks) == 0


def test_an_unpaid_cheque_order_is_reminded_for_its_full_total(canada, mug, order_for,
                                                               django_capture_on_commit_callbacks):
    order = order_for("cheque", (mug, 1))
    due_in(order, 3)

    run_beat_task(django_capture_on_commit_callbacks)

    assert "Amount to pay: $34.13." in mail.outbox[0].body


def test_only_the_invoices_that_reached_a_stage_are_reminded(canada, mug, kettle, buyer, account, order_for,
                                                             django_capture_on_commit_callbacks):
    soon = order_for("cheque", (mug, 1))
    later = order_for("cheque", (mug, 1))
    late = order_for("account", (kettle, 1), user=buyer, po="PO-1")
    due_in(soon, 1)
    due_in(later, 10)
    due_in(late, -2)

    run_beat_task(django_capture_on_commit_callbacks)

    assert sorted(email.subject for email in mail.outbox) == sorted([
        f"{settings.SHOP_NAME}: invoice INV-{soon.number} is due soon",
        f"{settings.SHOP_NAME}: invoice INV-{late.number} is overdue",
    ])


def test_a_reminder_is_written_in_the_language_the_order_was_placed_in(canada, kettle,
                                                                       django_capture_on_commit_callbacks):
    cart = Cart.objects.create()
    cart_add(cart=cart, variant_id=kettle.pk, quantity=1)
    order = order_place(cart=cart, language="fr", details=CheckoutDetails(
        **ALBERTA, delivery_method_id=canada.pk, payment_method="cheque"))
    payment_record(order=order, amount=Decimal("40.00"), method="cheque")
    invoice = due_in(order, 2)

    run_beat_task(django_capture_on_commit_callbacks)

    email = OutboxEmail.objects.get(reference=order.number, subject__contains=invoice.number)
    assert email.language == "fr"
    assert email.status == OutboxEmail.Status.SENT
    assert "58,18\u00a0$" in email.text_body  # French money format
    assert long_date(invoice.due_on, "fr") in email.text_body
    assert mail.outbox[0].extra_headers["Content-Language"] == "fr"
    assert 'lang="fr"' in email.html_body


def test_a_cancelled_order_with_part_of_it_paid_gets_no_reminder_and_is_owed_its_money_back(
    on_account, account, django_capture_on_commit_callbacks
):
    from orders.models import Order
    from orders.services.status import order_transition
    from payments.services.invoices import account_outstanding

    order_transition(order=on_account, to=Order.Status.CANCELLED, note="Customer changed their mind")
    invoice = due_in(on_account, -1)

    assert run_beat_task(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert invoice.balance == Decimal("-40.00") and invoice.amount_paid == Decimal("40.00")  # owed back
    assert account_outstanding(account=account) == Decimal("0.00")
    on_account.refresh_from_db()
    assert "$40.00" in on_account.attention  # staff are asked to refund what was received


def test_a_guest_is_not_sent_a_link_to_an_account_statement_they_cannot_open(canada, mug, order_for,
                                                                             django_capture_on_commit_callbacks):
    order = order_for("cheque", (mug, 1))
    due_in(order, 1)

    run_beat_task(django_capture_on_commit_callbacks)

    [email] = mail.outbox
    assert "/account/statement/" not in email.body and "/account/statement/" not in email.alternatives[0][0]
    assert order.get_absolute_url() in email.body


def test_a_business_customer_is_sent_a_link_to_their_statement(on_account, django_capture_on_commit_callbacks):
    due_in(on_account, 1)

    run_beat_task(django_capture_on_commit_callbacks)

    [email] = mail.outbox
    assert f"Your account statement:\n{settings.SHOP_BASE_URL.rstrip('/')}/account/statement/" in email.body
    assert on_account.get_absolute_url() in email.body


def test_a_new_due_date_set_in_the_admin_starts_the_reminders_over(admin_client, canada, mug, order_for,
                                                                   django_capture_on_commit_callbacks):
    from django.urls import reverse

    order = order_for("cheque", (mug, 1))
    invoice = due_in(order, -1)
    run_beat_task(django_capture_on_commit_callbacks)
    invoice.refresh_from_db()
    assert invoice.reminder_sent == Invoice.Reminder.OVERDUE
    later = timezone.localdate() + timedelta(days=2)

    admin_client.post(reverse("admin:payments_invoice_change", args=[invoice.pk]), {"due_on": later.isoformat()})
    mail.outbox.clear()
    run_beat_task(django_capture_on_commit_callbacks)

    invoice.refresh_from_db()
    assert (invoice.due_on, invoice.reminder_sent) == (later, Invoice.Reminder.DUE_SOON)
    assert [m.subject for m in mail.outbox] == [f"comptoir: invoice {invoice.number} is due soon"]


def test_the_admin_action_reminds_only_the_invoices_ticked(admin_client, canada, mug, kettle, order_for,
                                                           django_capture_on_commit_callbacks):
    from django.urls import reverse

    ticked = due_in(order_for("cheque", (mug, 1)), -1)
    due_in(order_for("cheque", (kettle, 1)), -1)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:payments_invoice_changelist"),
                          {"action": "send_reminders_now", "_selected_action": [ticked.pk]})

    assert [m.subject for m in mail.outbox] == [f"comptoir: invoice {ticked.number} is overdue"]
