"""Issue 19, clear words: a return shows on the order's timeline as "Return requested" (then approved, received,
refunded, each in its own words), never as another "Delivered"; the list of the customer's orders says where the
return stands; and every time on the timeline names its zone (America/Edmonton: MST in winter, MDT in summer)."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from orders.models import Order, OrderEvent
from orders.services.status import order_transition
from payments.services.received import payment_record
from returns.services import return_approve, return_receive, return_refund, return_request

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def timeline(html: str) -> list[str]:
    """The timeline's lines as the customer reads them."""
    [section] = re.findall(r'<section aria-labelledby="timeline">(.*?)</section>', html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(r"<li>(.*?)</li>", section)]


@pytest.fixture
def delivered(order_for, mug, kettle, ship, buyer):
    """Ana's cheque order of a mug and a kettle, paid, shipped and delivered."""
    order = order_for("cheque", (mug, 1), (kettle, 1), user=buyer)
    payment_record(order=order, amount=order.total, method="cheque", reference="CHQ-1")
    ship(order)
    return order_transition(order=order, to=Order.Status.DELIVERED)


def ask_to_return_the_mug(order, mug):
    return return_request(order=order, quantities={order.lines.get(variant=mug).pk: 1}, reason="Wrong colour.")


def test_a_return_request_is_on_the_timeline_as_return_requested_not_delivered(client, delivered, mug):
    ask_to_return_the_mug(delivered, mug)

    lines = timeline(client.get(delivered.get_absolute_url()).content.decode())

    assert lines[-1].endswith("— Return requested: 1 × Stoneware Mug")
    assert [line.split(" — ")[1] for line in lines].count("Delivered") == 1  # the delivery itself, once
    assert not any("Delivered (" in line for line in lines)


def test_each_later_step_of_the_return_has_its_own_words(client, delivered, mug, warehouse, clerk):
    request = ask_to_return_the_mug(delivered, mug)
    return_approve(request=request, user=clerk)
    [line] = request.lines.all()
    return_receive(request=request, location=warehouse, user=clerk, outcomes={line.pk: "restock"})
    return_refund(request=request, user=clerk)

    steps = [line.split(" — ", 1)[1] for line in timeline(client.get(delivered.get_absolute_url()).content.decode())]

    # a mug ($18.00) and its GST (5 %): $18.90 back
    assert [step for step in steps if step.startswith("Return")] == [
        "Return requested: 1 × Stoneware Mug",
        "Return approved: please send the items back",
        "Return received at Calgary Warehouse: 1 back on the shelf, 0 written off",
        "Return refunded: $18.90",
    ]
    assert not any(step.startswith("Delivered (") for step in steps)


def test_a_french_customers_timeline_speaks_french_whoever_acts(client, delivered, mug):
    Order.objects.filter(pk=delivered.pk).update(language="fr")
    delivered.refresh_from_db()
    ask_to_return_the_mug(delivered, mug)  # English is active here, as in an English-speaking clerk's admin

    lines = timeline(client.get("/fr" + delivered.get_absolute_url()).content.decode())

    assert lines[-1].replace("\u00a0", " ").endswith("— Retour demandé : 1 × Stoneware Mug")


def test_my_orders_says_where_the_return_stands_next_to_delivered(client, delivered, mug, warehouse, clerk, buyer):
    client.force_login(buyer)
    status_of = lambda: re.search(  # noqa: E731
        rf"{delivered.number}</a></td><td>[^<]*</td><td>([^<]*)</td>",
        client.get(reverse("crm:account_orders")).content.decode()).group(1)
    assert status_of() == "Delivered"

    request = ask_to_return_the_mug(delivered, mug)
    assert status_of() == "Delivered · Return requested"

    return_approve(request=request, user=clerk)
    [line] = request.lines.all()
    return_receive(request=request, location=warehouse, user=clerk, outcomes={line.pk: "restock"})
    return_refund(request=request, user=clerk)
    assert status_of() == "Delivered · Return refunded"


@pytest.mark.parametrize(("moment", "shown", "iso"), [
    (datetime.datetime(2026, 12, 6, 17, 15, tzinfo=UTC), "Dec. 6, 2026, 10:15 a.m. MST", "2026-12-06T10:15"),
    (datetime.datetime(2026, 7, 6, 16, 15, tzinfo=UTC), "July 6, 2026, 10:15 a.m. MDT", "2026-07-06T10:15"),
], ids=["winter", "summer"])
def test_every_time_on_the_timeline_names_the_shops_time_zone(client, delivered, moment, shown, iso):
    OrderEvent.objects.filter(order=delivered).update(created_at=moment)

    html = client.get(delivered.get_absolute_url()).content.decode()

    lines = timeline(html)
    assert lines and all(line.startswith(f"{shown} — ") for line in lines)
    [section] = re.findall(r'<section aria-labelledby="timeline">(.*?)</section>', html, flags=re.S)
    datetimes = re.findall(r'<time datetime="([^"]+)">', section)
    assert datetimes and all(value.startswith(iso) for value in datetimes)


def test_the_return_refund_amount_is_written_in_the_customers_language(delivered, mug, warehouse, clerk):
    Order.objects.filter(pk=delivered.pk).update(language="fr")
    delivered.refresh_from_db()
    request = ask_to_return_the_mug(delivered, mug)
    return_approve(request=request, user=clerk)
    [line] = request.lines.all()
    return_receive(request=request, location=warehouse, user=clerk, outcomes={line.pk: "restock"})
    return_refund(request=request, user=clerk)

    note = OrderEvent.objects.filter(order=delivered).order_by("-created_at", "-pk").values_list("note", flat=True)
    assert any(text.replace("\u00a0", " ") == "Retour remboursé : 18,90 $" for text in note)
