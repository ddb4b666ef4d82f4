"""PIPEDA access and erasure: everything we hold about a signed-in customer, and its anonymisation on request.

Erasure keeps the accounting: orders keep their lines, totals, taxes and province (the tax jurisdiction); only who
the customer is (name, email, phone, address; the contact's city, province and postal code too) is removed. The
consent log is kept as the proof CASL asks for, attached to the now anonymous contact.
"""

from django.db import transaction
from django.utils import timezone

from orders.models import Order

from ..models import Contact, Interaction
from .consent import consent_log, consent_withdraw

PRIVACY_VERSION = "2026-11"
ERASED = "Erased"


def erased_email(contact: Contact) -> str:
    return f"erased-{contact.pk}@invalid"


def contact_erase(*, contact: Contact, user) -> Contact:
    """Withdraw every consent, then anonymise the contact, the user account and the customer's orders."""
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        consent_withdraw(contact=contact, purpose=None, source="erasure request", user=user)
        email = erased_email(contact)
        contact.name, contact.email, contact.phone, contact.city, contact.notes = "", email, "", "", ""
        contact.birth_year, contact.gender, contact.province, contact.postal_code = None, "", "", ""
        contact.province_chosen = False
        contact.erased_at = timezone.now()
        contact.save()
        contact.interests.clear()
        Interaction.objects.filter(contact=contact).update(body="")
        if user is not None:
            # Only the account's own orders: a guest order under the same email is not proven to be theirs.
            Order.objects.filter(user=user).update(
                email=email, phone="", ship_name=ERASED, ship_address="", ship_city="", ship_postal_code="",
                updated_at=timezone.now(),
            )
            user.username = f"erased-{user.pk}"
            user.email = user.first_name = user.last_name = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
    return contact


def personal_data_for(*, user, contact: Contact) -> dict:
    """Everything personal we hold on this signed-in customer, as JSON-ready data (PIPEDA access request)."""
    orders = (Order.objects.filter(user=user).order_by("created_at")
              .prefetch_related("lines", "tax_lines", "payments", "refunds"))
    return {
        "account": {"username": user.get_username(), "email": user.email, "first_name": user.first_name,
                    "last_name": user.last_name, "date_joined": user.date_joined},
        "contact": {
            "name": contact.name, "email": contact.email, "phone": contact.phone, "city": contact.city,
            "province": contact.province, "postal_code": contact.postal_code, "language": contact.language,
            "birth_year": contact.birth_year, "gender": contact.gender,
            "interests": [c.name for c in contact.interests.all()],
            "notes": contact.notes, "created_at": contact.created_at,
        },
        "consent_log": [
            {"occurred_at": e.occurred_at, "purpose": e.purpose, "action": e.action, "basis": e.basis,
             "lapses_on": e.lapses_on, "source": e.source, "wording": e.wording,
             "wording_version": e.wording_version, "ip_address": e.ip_address}
            for e in consent_log(contact=contact)
        ],
        "orders": [_order_data(order) for order in orders],
        "interactions": [
            {"occurred_at": i.occurred_at, "kind": i.kind, "subject": i.subject, "body": i.body}
            for i in contact.interactions.order_by("occurred_at", "pk")
        ],
    }


def _order_data(order: Order) -> dict:
    return {
        "number": order.number, "placed_at": order.created_at, "status": order.status,
        "email": order.email, "phone": order.phone,
        "ship_to": {"name": order.ship_name, "address": order.ship_address, "city": order.ship_city,
                    "province": order.ship_province, "postal_code": order.ship_postal_code,
                    "country": order.ship_country},
        "delivery": order.delivery_label, "payment_method": order.payment_method,
        "subtotal": order.subtotal, "shipping": order.shipping, "handling": order.handling,
        "discount": order.discount, "tax_total": order.tax_total, "total": order.total,
        "lines": [{"sku": line.sku, "name": line.name, "unit_price": line.unit_price, "quantity": line.quantity,
                   "line_total": line.line_total} for line in order.lines.all()],
        "taxes": [{"name": t.name, "rate": t.rate, "amount": t.amount} for t in order.tax_lines.all()],
        "payments": [{"method": p.method, "status": p.status, "amount": p.amount, "received_on": p.received_on,
                      "created_at": p.created_at} for p in order.payments.all()],
        "refunds": [{"amount": r.amount, "status": r.status, "reason": r.reason, "created_at": r.created_at}
                    for r in order.refunds.all()],
    }
