"""The demo's business customer can sign in and pay on account."""

import pytest
from django.urls import reverse

from payments.demo import business_account_seed

pytestmark = pytest.mark.django_db


def test_the_demo_business_customer_signs_in_by_email_and_is_offered_to_pay_on_account(client, canada, mug):
    business_account_seed()

    response = client.post(reverse("account_login"), {"login": "accounts@acme.example", "password": "acme"})
    client.post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 1})

    assert response.status_code == 302
    assert 'value="account"' in client.get(reverse("orders:checkout")).content.decode()
    assert business_account_seed() == []  # idempotent
