"""Customer accounts with django-allauth: sign up by email, verify it through the emailed link, and the guest orders
placed earlier with that email join the account and its order history; failed sign-ins are throttled; an
unverified email cannot sign in."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from crm.models import Contact
from orders.models import Order
from payments.services.received import payment_record
from returns.tests.conftest import ship  # noqa: F401 — the shipped-order helper of the returns tests
from shipping.models import Shipment

HISTORY = "/account/orders/"
PASSWORD = "kettle-and-mug-42"
# Session, user, the orders, their shipments with carriers (the header's cart and tier: cached once read).
QUERIES = 4


def sign_up(client, email: str):
    return client.post(reverse("account_signup"), {"first_name": "Ana", "last_name": "Tremblay", "email": email,
                                                   "password1": PASSWORD, "password2": PASSWORD})


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S*/accounts/confirm-email/\S+/|/accounts/confirm-email/\S+/)",
                     message.body).group(1)


def paid(order) -> Order:
    payment_record(order=order, amount=order.total, method="cheque", reference="5521")
    return order


def history_numbers(html: str) -> list[str]:
    return re.findall(r">(C-\w+)</a></td>", html)


@pytest.fixture
def verified(django_user_model):
    """verified(email) -> a customer account whose email is verified (it can sign in)."""

    def make(email, password=PASSWORD):
        user = django_user_model.objects.create_user(email.split("@")[0], email, password)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    return make


def test_the_signup_page_says_why_to_register(client, db):
    html = client.get(reverse("account_signup")).content.decode()

    assert ("Follow your orders and their tracking, check out faster with your saved details, see your invoices "
            "and statement.") in html
    assert 'href="/account/statement/"' not in html  # the shop's header, signed out
    assert "Sign in" in html


def test_confirming_the_email_brings_the_earlier_guest_orders_into_the_account_and_its_history(
        client, order_for, mug, kettle, django_user_model, django_capture_on_commit_callbacks):
    first = order_for("cheque", (mug, 1))
    second = order_for("cheque", (kettle, 1))
    Order.objects.filter(pk=second.pk).update(email="ANA@Example.com")  # the same address, typed differently
    someone_else = order_for("cheque", (mug, 1), user=django_user_model.objects.create_user("bob", "b@example.com"))
    elsewhere = order_for("cheque", (mug, 1))
    Order.objects.filter(pk=elsewhere.pk).update(email="chloe@example.com")

    with django_capture_on_commit_callbacks(execute=True):  # the email is sent from the outbox after commit
        response = sign_up(client, "ana@example.com")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = django_user_model.objects.get(email="ana@example.com")
    assert Order.objects.filter(user=user).count() == 0  # not before the email is proved hers
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.com"]
    assert mail.outbox[0].subject == "comptoir: confirm your email address"

    link = confirmation_link(mail.outbox[0])
    assert client.get(link).status_code == 200
    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified is True
    assert set(Order.objects.filter(user=user)) == {first, second}
    assert Order.objects.get(pk=someone_else.pk).user.username == "bob"
    assert Order.objects.get(pk=elsewhere.pk).user is None
    assert Contact.objects.get(kind=Contact.Kind.CUSTOMER, email="ana@example.com").user == user

    client.force_login(user)
    html = client.get(HISTORY).content.decode()
    assert history_numbers(html) == [second.number, first.number]  # newest first
    assert first.get_absolute_url().replace("&", "&amp;") in html


def test_another_account_never_sees_those_orders(client, order_for, mug, verified):
    ana = verified("ana@example.com")
    bob = verified("bob@example.com")
    mine = order_for("cheque", (mug, 1), user=ana)

    client.force_login(bob)
    html = client.get(HISTORY).content.decode()

    assert history_numbers(html) == []
    assert mine.number not in html
    assert "No orders yet." in html


def test_the_history_shows_status_total_promise_and_the_latest_tracking_link(client, order_for, mug, verified,
                                                                             ship):  # noqa: F811
    ana = verified("ana@example.com")
    order = paid(order_for("cheque", (mug, 1), user=ana))
    first = ship(order, delivered_days_ago=None)
    Shipment.objects.create(order=order, carrier=first.carrier, tracking_number="LATEST-2")
    first.carrier.tracking_url = "https://post.example/track?n={number}"
    first.carrier.save()

    client.force_login(ana)
    html = client.get(HISTORY).content.decode()

    assert "Shipped" in html and "$34.13" in html
    assert "https://post.example/track?n=LATEST-2" in html
    assert first.tracking_number not in html


def test_the_history_reads_a_fixed_number_of_queries(client, order_for, mug, verified, ship,  # noqa: F811
                                                     django_assert_num_queries):
    ana = verified("ana@example.com")
    client.force_login(ana)
    ship(paid(order_for("cheque", (mug, 1), user=ana)), delivered_days_ago=None)
    client.get(HISTORY)  # the header's categories are cached from then on
    with django_assert_num_queries(QUERIES):
        client.get(HISTORY)

    for _ in range(3):
        ship(paid(order_for("cheque", (mug, 1), user=ana)), delivered_days_ago=None)
    client.get(HISTORY)  # the header's categories are cached from then on
    with django_assert_num_queries(QUERIES):
        html = client.get(HISTORY).content.decode()
    assert len(history_numbers(html)) == 4


def test_the_history_asks_a_visitor_to_sign_in(client):
    response = client.get(HISTORY)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={HISTORY}"


def test_signing_in_is_throttled_after_five_failures(client, verified):
    verified("ana@example.com")
    login = reverse("account_login")

    for _ in range(5):
        response = client.post(login, {"login": "ana@example.com", "password": "wrong"})
        assert "The email address and/or password you specified are not correct." in response.content.decode()
    response = client.post(login, {"login": "ana@example.com", "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_unverified_email_cannot_sign_in(client, django_user_model, django_capture_on_commit_callbacks):
    user = django_user_model.objects.create_user("ana", "ana@example.com", PASSWORD)
    EmailAddress.objects.create(user=user, email="ana@example.com", verified=False, primary=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_login"), {"login": "ana@example.com", "password": PASSWORD},
                               follow=True)

    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert "Verify Your Email Address" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1  # the link is sent again


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, verified, django_capture_on_commit_callbacks):
    user = verified("lea@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})

    [message] = [m for m in mail.outbox if user.email in m.to]
    link = re.search(r"https?://[^/\s]+(/(?:\S+/)?accounts/password/reset/key/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0] if form.redirect_chain else link,
                {"password1": "a-new-kettle-2026", "password2": "a-new-kettle-2026"})

    assert client.post(reverse("account_login"), {"login": user.email,
                                                  "password": "a-new-kettle-2026"}).status_code == 302


def test_markup_in_a_customers_name_is_escaped_in_emails_and_the_admin(admin_client, order_for, mug, ana):
    from crm.models import Contact
    from outbox.models import OutboxEmail

    order = order_for("cheque", (mug, 1), user=ana)
    Order.objects.filter(pk=order.pk).update(ship_name="<script>alert(1)</script>")
    order.refresh_from_db()
    from checkout.services.placing import _acknowledgement_queue

    _acknowledgement_queue(order)
    contact = Contact.objects.get(user=ana)
    Contact.objects.filter(pk=contact.pk).update(name="<b>Ana</b><script>alert(2)</script>")

    email = OutboxEmail.objects.filter(reference=order.number).order_by("pk").last()  # the one just queued
    listing = admin_client.get(reverse("admin:crm_contact_changelist")).content.decode()
    detail = admin_client.get(reverse("admin:crm_contact_change", args=[contact.pk])).content.decode()
    orders_admin = admin_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()

    assert "<script>alert(1)</script>" not in email.html_body and "&lt;script&gt;alert(1)" in email.html_body
    for html in (listing, detail):
        assert "<script>alert(2)</script>" not in html and "&lt;script&gt;alert(2)" in html
    assert "<script>alert(1)</script>" not in orders_admin
