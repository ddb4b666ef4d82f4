from .models import Address, Profile


def checkout_initial_for(user) -> dict:
    """Checkout's starting values for a signed-in customer: their name, email and phone from the account, then their
    default address when they saved one ({} for a guest)."""
    if not user.is_authenticated:
        return {}
    address = Address.objects.filter(user=user, is_default=True).first()
    if address is None:
        phone = Profile.objects.filter(user=user).values_list("phone", flat=True).first() or ""
        return {"ship_name": user.get_full_name(), "email": user.email, "phone": phone}
    return {"ship_name": address.name, "ship_address": address.street, "ship_city": address.city,
            "ship_province": address.province, "ship_postal_code": address.postal_code,
            "phone": address.phone, "email": user.email}
