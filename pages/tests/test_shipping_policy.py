import re
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import DeliveryMethod
from shipping.models import Rate
from shipping.tests.helpers import carriers_seed

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def carriers(db):
    carriers_seed()


def _rows(html: str) -> list[str]:
    """The text of each body row of the services table."""
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return [_text(row) for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]


def test_policy_lists_each_carrier_service_with_its_price_range_and_transit_from_the_rates(client, carriers):
    html = client.get(reverse("pages:shipping_policy")).content.decode()
    text, rows = _text(html), _rows(html)

    assert len(rows) == 6
    assert rows[0] == ("Canada Post Regular Parcel Regular Canada Post $10.95 to $75.65 parcels up to 30 kg $2.50 "
                       "2 to 9 business days Nunavut")
    assert rows[2] == ("Purolator Ground Regular Purolator $11.75 to $53.40 parcels up to 30 kg $2.50 "
                       "1 to 6 business days Northwest Territories, Nunavut, Yukon")
    assert rows[5] == ("FedEx Priority Overnight Overnight FedEx $34.50 to $139.00 parcels up to 30 kg $4.00 "
                       "1 business day Northwest Territories, Nunavut, Yukon")
    assert "We deliver anywhere in Canada except Nunavut, where store pickup is the only option." in text
    assert "Standard delivery" not in text  # the retired flat rate


def test_policy_follows_what_staff_change_in_the_rates(client, carriers):
    overnight = DeliveryMethod.objects.get(code="fedex-overnight")
    Rate.objects.filter(method=overnight, zone__name="Atlantic (NB, NS, PE, NL)", max_weight_kg=30).update(
        price=Decimal("150.00"))
    DeliveryMethod.objects.filter(code="purolator-ground").update(is_active=False)

    text = _text(client.get(reverse("pages:shipping_policy")).content.decode())

    assert "FedEx Priority Overnight Overnight FedEx $34.50 to $150.00" in text
    assert "Purolator Ground" not in text


def test_policy_explains_the_cutoff_working_days_holidays_pickup_backorders_and_returns(client, carriers, clock):
    from inventory.tests.factories import LocationFactory

    store = LocationFactory(name="Calgary — Kensington store", address="1130 Kensington Rd NW", city="Calgary")
    DeliveryMethod.objects.create(code="pickup-yyc", name="Pick up in store: Calgary", kind="pickup",
                                  price=Decimal("0"), pickup_location=store, days_min=1, days_max=3, position=50)

    clock(2026, 12, 26, 9, 0)
    html = client.get(reverse("pages:shipping_policy")).content.decode()
    text = _text(html)

    assert ("We pack orders on working days (Monday, Tuesday, Wednesday, Thursday, Friday), except statutory "
            "holidays. An order placed before 2:00 p.m. (our local time)") in text
    assert "We pack about 40 orders a day" in text
    assert "Dec. 25, 2026" not in text  # past
    assert "Dec. 28, 2026" in text and "Jan. 1, 2027" in text
    assert "Calgary — Kensington store, 1130 Kensington Rd NW, Calgary — ready in 1 to 3 business days" in text
    assert f'href="{reverse("pages:stores")}"' in html
    assert f'href="{reverse("returns:policy")}"' in html
    assert "You can ask to return items within 30 days of delivery." in text
    assert "Some products can be ordered while they are out of stock." in text


def test_policy_in_french_shows_french_service_names_and_prices(client, carriers):
    html = client.get("/fr/shipping/policy/").content.decode()

    assert "Postes Canada Colis standard" in html
    assert "10,95\u00a0$" in html and "75,65\u00a0$" in html
    assert "lundi" in html and "14 h 00" in html


def test_policy_without_carriers_says_so(client):
    DeliveryMethod.objects.filter(kind="ship").update(is_active=False)

    text = _text(client.get(reverse("pages:shipping_policy")).content.decode())

    assert "Delivery is not available at the moment; you can pick up your order in one of our stores." in text


def test_policy_page_query_count(client, carriers, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(reverse("pages:shipping_policy"))

    assert response.status_code == 200
