"""Who the seller is, for every page, PDF and email that prints it (invoices, credit notes, statements, purchase
orders, the newsletters' legal footer): the row staff set once (core.models.SellerIdentity), or, until they do, the
legal name and address of the settings (SHOP_LEGAL_NAME, SHOP_POSTAL_ADDRESS) without registration numbers."""

from django.conf import settings

from .models import SellerIdentity


def seller_identity() -> SellerIdentity:
    """The seller; an unsaved one built from the settings when staff have not set it (its pk is None)."""
    identity = SellerIdentity.objects.first()
    if identity is not None:
        return identity
    return SellerIdentity(legal_name=settings.SHOP_LEGAL_NAME, operating_name=settings.SHOP_NAME,
                          address=settings.SHOP_POSTAL_ADDRESS.replace(", ", "\n", 1), gst_hst_number="",
                          qst_number="")


def seller_postal_address(identity: SellerIdentity) -> str:
    """The address on one line, as an email footer prints it."""
    return ", ".join(identity.address_lines)
