from django.db import transaction

from .models import Address, Profile


def profile_save(*, user, first_name: str, last_name: str, phone: str, phone_alt: str, company: str) -> Profile:
    with transaction.atomic():
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
        profile, _ = Profile.objects.update_or_create(
            user=user, defaults={"phone": phone, "phone_alt": phone_alt, "company": company})
    return profile


def address_save(*, address: Address, user) -> Address:
    """Saves a new or edited address of `user`; the first one, or one marked default, becomes the only default."""
    with transaction.atomic():
        others = Address.objects.select_for_update().filter(user=user).exclude(pk=address.pk)
        if not others.exists():
            address.is_default = True
        if address.is_default:
            others.filter(is_default=True).update(is_default=False)
        address.user = user
        address.save()
    return address


def address_delete(*, address: Address) -> None:
    address.delete()

