from .models import Address


def checkout_initial_for(user) -> dict:
    """Checkout's starting values from the signed-in customer's default address ({} when there is none)."""
    address = Address.objects.filter(user=user, is_default=True).first() if user.is_authenticated else None
    if address is None:
        return {}
    return {"ship_name": address.name, "ship_address": address.street, "ship_city": address.city,
            "ship_province": address.province, "ship_postal_code": address.postal_code,
            "phone": address.phone, "email": user.email}
