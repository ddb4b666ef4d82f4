"""How django-allauth fits the shop: a verified email brings its guest orders into the account."""

from allauth.account.adapter import DefaultAccountAdapter

from .services.contacts import orders_attach_to_user


class AccountAdapter(DefaultAccountAdapter):
    def confirm_email(self, request, email_address):
        confirmed = super().confirm_email(request, email_address)
        if confirmed and email_address.verified:
            orders_attach_to_user(user=email_address.user, email=email_address.email)
        return confirmed
