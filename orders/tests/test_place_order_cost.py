"""What one "Place order" costs the database, and what it does while it holds the stock rows: the rows every
shopper's checkout contends for are locked last, so nothing that can be done before (rendering the email,
computing the promise, the customer record) waits under them."""

import pytest
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Order
from orders.tests.test_checkout import ALBERTA, checkout, fill_cart
from outbox.models import OutboxEmail

PLACE_ORDER_MAX_STATEMENTS = 20  # issue 15: at most 20 for a guest with one item (was 30 without savepoints)
# What may follow the stock rows' lock until the commit: the reservation itself.
UNDER_THE_LOCK = ('UPDATE "inventory_stock"', 'INSERT INTO "inventory_stockmovement"',
                  'INSERT INTO "orders_orderallocation"', 'UPDATE "orders_orderline"')


def _statements(captured) -> list[str]:
    """The SQL sent, less the savepoints the test's own transaction turns each atomic block into."""
    return [q["sql"] for q in captured.captured_queries
            if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def _shopper_at_review(client, canada, mug) -> str:
    """A guest with one mug in the cart, address and delivery given, on the review page: the total it shows."""
    fill_cart(client, (mug, 1))
    checkout(client, canada, ALBERTA)
    review = client.get(reverse("orders:checkout_review")).content.decode()
    return review.split('name="seen_total" value="')[1].split('"')[0]


def test_a_guest_placing_one_item_costs_at_most_twenty_statements(client, canada, mug):
    seen = _shopper_at_review(client, canada, mug)

    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("orders:checkout_place"), {"seen_total": seen})

    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    statements = _statements(captured)
    assert len(statements) <= PLACE_ORDER_MAX_STATEMENTS, "\n".join(statements)
    assert OutboxEmail.objects.get().reference == order.number


def test_the_confirmation_email_is_rendered_before_the_stock_rows_are_locked(client, canada, mug):
    seen = _shopper_at_review(client, canada, mug)
    rendered_at: dict[str, int] = {}

    with CaptureQueriesContext(connection) as captured:
        def note(sender, template, **kwargs):
            rendered_at.setdefault(template.name, len(captured.captured_queries))

        template_rendered.connect(note)
        try:
            client.post(reverse("orders:checkout_place"), {"seen_total": seen})
        finally:
            template_rendered.disconnect(note)

    queries = [q["sql"] for q in captured.captured_queries]
    first_write = next(i for i, sql in enumerate(queries) if sql.startswith('UPDATE "inventory_stock"'))
    lock = max(i for i in range(first_write) if 'FROM "inventory_stock"' in queries[i])
    if connection.vendor == "postgresql":
        assert queries[lock].endswith('FOR UPDATE OF "inventory_stock"')
    email_templates = {name: at for name, at in rendered_at.items() if name.startswith("emails/orders/")}
    assert set(email_templates) == {"emails/orders/acknowledgement_subject.txt", "emails/orders/acknowledgement.txt",
                                    "emails/orders/acknowledgement.html"}
    assert all(at <= lock for at in email_templates.values()), (email_templates, lock)
    outbox_insert = next(i for i, sql in enumerate(queries) if sql.startswith('INSERT INTO "outbox_outboxemail"'))
    assert outbox_insert < lock
    after_lock = [sql for sql in queries[lock + 1:] if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    held = after_lock[:next((i for i, sql in enumerate(after_lock) if 'django_session' in sql), len(after_lock))]
    assert held and all(sql.startswith(UNDER_THE_LOCK) for sql in held), "\n".join(held)


@pytest.mark.parametrize("returning", [False, True])
def test_the_order_is_placed_whole_and_its_customer_recorded(client, canada, mug, returning):
    if returning:  # a customer who bought before: the contact is found and its address kept up to date
        from crm.services.contacts import contact_for_email
        contact_for_email(email=ALBERTA["email"], name="Ana T.")
    seen = _shopper_at_review(client, canada, mug)

    client.post(reverse("orders:checkout_place"), {"seen_total": seen})

    from crm.models import ConsentEvent, Contact
    order = Order.objects.get()
    contact = Contact.objects.get(email=ALBERTA["email"])
    assert (contact.city, contact.province, contact.postal_code) == ("Calgary", "AB", "T2P 1J9")
    assert sorted(ConsentEvent.objects.filter(contact=contact).values_list("purpose", "basis")) == [
        ("newsletter", "implied_purchase"), ("promotions", "implied_purchase")]
    assert list(order.lines.values_list("sku", "quantity", "backordered")) == [("MUG-1", 1, 0)]
    from inventory.models import Stock
    assert (Stock.objects.get(variant=mug).reserved, order.status) == (1, Order.Status.RECEIVED)


def test_the_checkout_form_reads_the_cart_once(client, canada, mug):
    fill_cart(client, (mug, 1))

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("orders:checkout"))

    assert response.status_code == 200
    cart_reads = [sql for sql in _statements(captured) if sql.startswith('SELECT "orders_cartline"."id"')]
    assert len(cart_reads) == 1, "\n".join(cart_reads)
