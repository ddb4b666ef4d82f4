"""Paperwork (issue 18, P2–P4, S5): the seller's identity on invoices and credit notes (pages and PDF), credit notes
emailed with their PDF, any customer's statement for a period, the monthly statements, and who may see what."""

import base64
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from checkout.models import Cart
from checkout.services.cart import cart_add
from checkout.services.placing import CheckoutDetails, order_place
from core.models import SellerIdentity
from outbox.models import OutboxEmail
from outbox.services import email_send
from payments import documents
from payments.models import CreditAccount, Invoice, Payment, StatementSent
from payments.services.credits import invoice_credit
from payments.services.documents import statements_send_monthly
from payments.services.received import payment_record

pytestmark = pytest.mark.django_db

QUEBEC = {"email": "achats@acme.example", "phone": "514-555-0101", "ship_name": "Ana Tremblay",
          "ship_address": "1 rue Sainte-Catherine", "ship_city": "Montréal", "ship_province": "QC",
          "ship_postal_code": "H2X 1Y4"}
ALBERTA = {**QUEBEC, "ship_address": "100 8 Ave SW", "ship_city": "Calgary", "ship_province": "AB",
           "ship_postal_code": "T2P 1J9"}


@pytest.fixture
def seller(db):
    return SellerIdentity.objects.create(
        legal_name="Comptoir Inc.", operating_name="comptoir", address="200 rue Peel\nMontréal QC  H3C 2G7",
        phone="514-555-0100", email="compta@comptoir.example", gst_hst_number="123456789 RT0001",
        qst_number="1234567890 TQ0001")


@pytest.fixture
def buyer(django_user_model):
    return django_user_model.objects.create_user("acme", "achats@acme.example", "pw", first_name="Ana",
                                                 last_name="Tremblay")


@pytest.fixture
def account(buyer):
    return CreditAccount.objects.create(user=buyer, company_name="Acme Cafés", credit_limit=Decimal("1000.00"))


@pytest.fixture
def place(canada):
    def place(method, *items, user=None, address=QUEBEC, po="PO-1"):
        cart = Cart.objects.create()
        for variant, quantity in items:
            cart_add(cart=cart, variant_id=variant.pk, quantity=quantity)
        details = CheckoutDetails(**address, delivery_method_id=canada.pk, payment_method=method,
                                  purchase_order_number=po)
        return order_place(cart=cart, details=details, language="en", user=user)

    return place


@pytest.fixture
def staff(django_user_model):
    def make(group):
        user = django_user_model.objects.create_user(group.lower().replace(" ", "-"), "", "pw", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


# --- the seller's identity ------------------------------------------------------------------------------------

def test_registration_numbers_are_checked_and_written_the_way_they_are_printed(db):
    identity = SellerIdentity(legal_name="Comptoir Inc.", address="200 rue Peel", gst_hst_number="123456789rt0001",
                              qst_number="1234567890tq 0001")
    identity.full_clean()
    assert (identity.gst_hst_number, identity.qst_number) == ("123456789 RT0001", "1234567890 TQ0001")

    for gst, qst, field in (("12345678 RT0001", "", "gst_hst_number"), ("123456789 RP0001", "", "gst_hst_number"),
                            ("123456789 RT0001", "123456789 TQ0001", "qst_number")):
        with pytest.raises(ValidationError) as refused:
            SellerIdentity(legal_name="C", address="A", gst_hst_number=gst, qst_number=qst).full_clean()
        assert field in refused.value.message_dict


def test_the_seller_identity_is_one_row(seller):
    with pytest.raises(IntegrityError), transaction.atomic():
        SellerIdentity.objects.create(legal_name="Other", address="x", gst_hst_number="987654321 RT0001")


def test_accounts_set_the_identity_in_the_admin_and_cannot_delete_it(client, staff, seller):
    client.force_login(staff("Accounts"))

    assert client.get(reverse("admin:core_selleridentity_changelist")).url == reverse(
        "admin:core_selleridentity_change", args=[seller.pk])
    page = client.get(reverse("admin:core_selleridentity_change", args=[seller.pk]))
    assert page.status_code == 200 and "123456789 RT0001" in page.content.decode()
    assert client.get(reverse("admin:core_selleridentity_add")).url == reverse(  # one row already: that one
        "admin:core_selleridentity_change", args=[seller.pk])
    assert client.get(reverse("admin:core_selleridentity_delete", args=[seller.pk])).status_code == 403
    client.force_login(staff("Warehouse"))
    assert client.get(reverse("admin:core_selleridentity_change", args=[seller.pk])).status_code == 403


def test_the_newsletter_footer_prints_the_identity_once_set(seller):
    from newsletters.services.rendering import _seller_footer

    assert _seller_footer() == {"legal_name": "Comptoir Inc.", "postal_address": "200 rue Peel, Montréal QC  H3C 2G7"}


# --- invoices -------------------------------------------------------------------------------------------------

def test_the_invoice_page_carries_the_seller_the_bill_to_each_tax_and_the_balance_due(
        client, staff, seller, place, account, buyer, mug):
    # 2 × $18.00 + $12.00 shipping + $2.50 handling = $50.50; GST 5 % = $2.53, QST 9.975 % = $5.04: $58.07
    order = place("account", (mug, 2), user=buyer, po="PO-77")
    payment_record(order=order, amount=Decimal("20.00"), method=Payment.Method.CHEQUE, reference="1042")
    client.force_login(staff("Accounts"))

    page = client.get(reverse("payments:invoice", kwargs={"number": order.number}))

    html = page.content.decode()
    assert page.status_code == 200
    assert f"Invoice {order.invoice.number}" in html
    assert "<strong>Comptoir Inc.</strong>" in html and "200 rue Peel<br>Montréal QC  H3C 2G7<br>" in html
    assert "GST/HST registration number: 123456789 RT0001" in html
    assert "QST registration number: 1234567890 TQ0001" in html
    assert ('<address class="bill-to"><strong>Acme Cafés</strong><br>Ana Tremblay<br>1 rue Sainte-Catherine<br>'
            "Montréal QC H2X 1Y4<br>") in html
    assert '<th colspan="4" scope="row">GST 5 % (on $50.50)</th><td class="num">$2.53</td>' in html
    assert '<th colspan="4" scope="row">QST 9.975 % (on $50.50)</th><td class="num">$5.04</td>' in html
    assert '<th scope="row">Payments received</th><td class="num">-$20.00</td>' in html
    assert '<tr class="total"><th scope="row">Balance due</th><td class="num">$38.07</td></tr>' in html
    assert "Purchase order number: PO-77" in html


def test_an_invoice_delivered_outside_quebec_has_no_qst_number(client, staff, seller, place, mug):
    order = place("cheque", (mug, 1), address=ALBERTA)
    client.force_login(staff("Managers"))

    html = client.get(reverse("payments:invoice", kwargs={"number": order.number})).content.decode()

    assert "123456789 RT0001" in html and "TQ0001" not in html
    assert "GST 5 % (on $32.50)" in html and "QST" not in html


def test_the_invoice_pdf_is_produced_from_the_same_page(client, staff, seller, place, mug):
    order = place("cheque", (mug, 1))
    client.force_login(staff("Accounts"))
    invoice = documents.invoice_for_document(invoice_id=order.invoice.pk)

    response = client.get(reverse("payments:invoice", kwargs={"number": order.number}) + "?format=pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{invoice.number}.pdf"'
    assert response.content.startswith(b"%PDF") and len(response.content) > 1024
    fed = documents.document_html(template=documents.INVOICE, context=documents.invoice_context(invoice=invoice),
                                  for_pdf=True)
    for element in (invoice.number, "Comptoir Inc.", "123456789 RT0001", "1234567890 TQ0001", "Bill to",
                    "QST 9.975 %", "Balance due"):
        assert element in fed
    assert "<script" not in fed and "data-print" not in fed


def test_the_shipping_invoice_print_carries_the_seller_identity(admin_client, seller, place, mug):
    order = place("cheque", (mug, 1))

    html = admin_client.get(reverse("admin:shipping_shipment_invoice", args=[order.pk])).content.decode()

    assert "Comptoir Inc." in html and "123456789 RT0001" in html and "1234567890 TQ0001" in html
    assert "Bill to" in html and "Balance due" in html


# --- credit notes ---------------------------------------------------------------------------------------------

@pytest.fixture
def credit_note(seller, place, account, buyer, mug):
    order = place("account", (mug, 2), user=buyer)
    return invoice_credit(order=order, amount=Decimal("11.61"), reason="One mug arrived chipped")


def test_the_credit_note_page_carries_every_element(client, staff, credit_note):
    order = credit_note.invoice.order
    client.force_login(staff("Accounts"))

    page = client.get(reverse("payments:credit_note", kwargs={"number": order.number, "pk": credit_note.pk}))

    html = page.content.decode()
    assert page.status_code == 200
    assert f"Credit note {credit_note.number}" in html and f"Credits invoice {order.invoice.number}" in html
    assert "<strong>Comptoir Inc.</strong>" in html and "200 rue Peel<br>" in html
    assert "123456789 RT0001" in html and "1234567890 TQ0001" in html
    assert '<address class="bill-to"><strong>Acme Cafés</strong><br>Ana Tremblay<br>' in html
    # $11.61 of $58.07: the same share (20 %) of each tax, half up: GST $0.51, QST $1.01; $10.09 before taxes
    assert '<td>One mug arrived chipped</td><td class="num">$10.09</td>' in html
    assert '<th scope="row">GST 5 %</th><td class="num">$0.51</td>' in html
    assert '<th scope="row">QST 9.975 %</th><td class="num">$1.01</td>' in html
    assert '<th scope="row">Total credited (CAD)</th><td class="num">$11.61</td>' in html
    assert '<tr class="total"><th scope="row">Balance due</th><td class="num">$46.46</td></tr>' in html
    assert "Email it to the customer" in html


def test_the_credit_note_pdf(client, staff, credit_note):
    client.force_login(staff("Managers"))
    url = reverse("payments:credit_note", kwargs={"number": credit_note.invoice.order.number, "pk": credit_note.pk})

    response = client.get(url + "?format=pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 1024


def test_a_credit_note_is_emailed_to_the_customer_with_its_pdf(client, staff, credit_note, mailoutbox):
    client.force_login(staff("Accounts"))
    admin_page = client.get(reverse("admin:payments_creditnote_change", args=[credit_note.pk])).content.decode()
    assert "Email it to the customer, with its PDF" in admin_page

    response = client.post(reverse("admin:payments_creditnote_email", args=[credit_note.pk]))

    assert response.status_code == 302
    email = OutboxEmail.objects.get(reference=credit_note.invoice.order.number, subject__contains="credit note")
    assert email.to == "achats@acme.example"
    assert [a["name"] for a in email.attachments] == [f"{credit_note.number}.pdf"]
    assert base64.b64decode(email.attachments[0]["base64"]).startswith(b"%PDF")
    assert credit_note.invoice.order.events.filter(note__startswith=credit_note.number).exists()
    email_send(email_id=email.pk)  # the eager task sent it already, or this does: either way once
    sent = [m for m in mailoutbox if "credit note" in m.subject]
    assert len(sent) == 1
    (name, content, mimetype), = sent[0].attachments
    assert (name, mimetype) == (f"{credit_note.number}.pdf", "application/pdf") and content.startswith(b"%PDF")


# --- statements -----------------------------------------------------------------------------------------------

def _dated(order, issued: date):
    Invoice.objects.filter(order=order).update(issued_on=issued)


@pytest.fixture
def february(seller, place, account, buyer, mug, kettle):
    """January: an invoice of $58.07. February: $20.00 received for it, a second invoice ($107.51)."""
    first = place("account", (mug, 2), user=buyer)
    _dated(first, date(2026, 1, 10))
    payment_record(order=first, amount=Decimal("20.00"), method=Payment.Method.CHEQUE, reference="1042",
                   received_on=date(2026, 2, 5))
    second = place("account", (kettle, 1), user=buyer)
    _dated(second, date(2026, 2, 20))
    march = place("account", (mug, 1), user=buyer)
    _dated(march, date(2026, 3, 2))
    return first, second, march


def test_a_statement_for_a_period_brings_the_balance_forward(buyer, february):
    first, second, _march = february

    statement = documents.statement_for_period(user=buyer, start=date(2026, 2, 1), end=date(2026, 2, 28))

    assert statement.opening == first.total == Decimal("58.07")
    assert [(line.on, line.charge, line.credit) for line in statement.lines] == [
        (date(2026, 2, 5), Decimal("0.00"), Decimal("20.00")), (date(2026, 2, 20), second.total, Decimal("0.00"))]
    assert statement.closing == Decimal("58.07") - Decimal("20.00") + second.total
    assert statement.bill_to.company == "Acme Cafés"


def test_staff_open_print_download_and_email_a_customers_statement(client, staff, buyer, february, mailoutbox):
    client.force_login(staff("Accounts"))
    chosen = client.get(reverse("admin:payments_invoice_statement"),
                        {"customer": "ACHATS@acme.example", "start": "2026-02-01", "end": "2026-02-28"})
    url = reverse("admin:payments_invoice_statement_print", args=[buyer.pk]) + "?start=2026-02-01&end=2026-02-28"
    assert chosen.url == url

    html = client.get(url).content.decode()
    pdf = client.get(url + "&format=pdf")
    emailed = client.post(reverse("admin:payments_invoice_statement_email", args=[buyer.pk])
                          + "?start=2026-02-01&end=2026-02-28")

    assert "Statement of account" in html and "Comptoir Inc." in html and "123456789 RT0001" in html
    assert '<td>Opening balance</td><td></td><td></td><td class="num">$58.07</td>' in html
    assert "Payment received, Cheque 1042" in html and "Acme Cafés" in html
    assert '<th colspan="5" scope="row">Closing balance on Feb. 28, 2026</th><td class="num">$145.58</td>' in html
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 1024
    assert emailed.status_code == 302
    email = OutboxEmail.objects.get(reference=f"statement-{buyer.pk}")
    assert email.to == "achats@acme.example" and email.attachments[0]["name"].endswith(".pdf")
    assert "Closing balance: $145.58" in email.text_body


def test_the_monthly_statement_goes_once_to_each_business_account_with_a_balance(
        django_user_model, buyer, account, february):
    settled = django_user_model.objects.create_user("paid-up", "paid@up.example", "pw")
    CreditAccount.objects.create(user=settled, company_name="Paid Up Ltd", credit_limit=Decimal("500.00"))

    first = statements_send_monthly(today=date(2026, 3, 1))
    again = statements_send_monthly(today=date(2026, 3, 1))

    assert first == [account.pk] and again == []
    record = StatementSent.objects.get()
    assert (record.account, record.month, record.closing_balance) == (account, date(2026, 2, 1), Decimal("145.58"))
    email = OutboxEmail.objects.get(reference=f"statement-{buyer.pk}")
    assert record.email == email and base64.b64decode(email.attachments[0]["base64"]).startswith(b"%PDF")
    assert "your statement from Feb. 1, 2026 to Feb. 28, 2026" in email.subject


def test_the_monthly_statements_job_is_scheduled():
    from django.conf import settings

    from jobs.schedule import job_get

    job = job_get("statements-monthly")
    assert settings.SHOP_JOBS["statements-monthly"]["task"] == "payments.tasks.statements_send_monthly"
    assert job.label == "Monthly statements to business accounts"
    assert job.every == "on day 1 of every month at 7 a.m."


# --- who may see what -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("group", ["Warehouse", "Store staff", "Marketing", "Catalogue managers"])
def test_other_staff_groups_are_refused_the_documents_and_statements(client, staff, buyer, credit_note, group):
    order = credit_note.invoice.order
    client.force_login(staff(group))

    invoice = client.get(reverse("payments:invoice", kwargs={"number": order.number}))
    note = client.get(reverse("payments:credit_note", kwargs={"number": order.number, "pk": credit_note.pk}))
    statement = client.get(reverse("admin:payments_invoice_statement_print", args=[buyer.pk]))
    emailed = client.post(reverse("admin:payments_creditnote_email", args=[credit_note.pk]))

    # Staff who may read orders (Warehouse) are told no (403); the others do not learn the order exists (404).
    assert invoice.status_code == note.status_code == (403 if group == "Warehouse" else 404)
    assert statement.status_code == emailed.status_code == 403
    assert not OutboxEmail.objects.filter(subject__contains="credit note").exists()


def test_the_customer_sees_their_own_documents_and_no_one_elses(client, django_user_model, buyer, credit_note,
                                                                 place, mug):
    order = credit_note.invoice.order
    other = place("cheque", (mug, 1))
    client.force_login(buyer)

    mine = client.get(reverse("payments:invoice", kwargs={"number": order.number}))
    note = client.get(reverse("payments:credit_note", kwargs={"number": order.number, "pk": credit_note.pk}))
    theirs = client.get(reverse("payments:invoice", kwargs={"number": other.number}))
    by_link = client.get(reverse("payments:invoice", kwargs={"number": other.number}), {"t": other.access_token})
    statement = client.get(reverse("admin:payments_invoice_statement_print", args=[buyer.pk]))

    assert mine.status_code == note.status_code == by_link.status_code == 200
    assert "Email it to the customer" not in note.content.decode()
    assert theirs.status_code == 404
    assert statement.status_code == 302  # the admin's sign-in page
    order_page = client.get(order.get_absolute_url()).content.decode()
    assert reverse("payments:invoice", kwargs={"number": order.number}) in order_page
    assert reverse("payments:credit_note", kwargs={"number": order.number, "pk": credit_note.pk}) in order_page
