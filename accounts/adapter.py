"""The shop's allauth adapter (settings.ACCOUNT_ADAPTER): crm.adapter's, plus what registration brings that lives
above the CRM. Registration is complete when the customer confirms their email (ACCOUNT_EMAIL_VERIFICATION is
mandatory): only then is the welcome coupon sent, so no one can have coupon emails sent to an address they don't own.
"""

from django.conf import settings
from django.utils import translation

from coupons.services.incentives import incentive_welcome_send
from crm.adapter import AccountAdapter as CrmAccountAdapter


class AccountAdapter(CrmAccountAdapter):
    def confirm_email(self, request, email_address):
        confirmed = super().confirm_email(request, email_address)
        if confirmed and email_address.verified and email_address.user.email.lower() == email_address.email.lower():
            # once per address (coupons.Incentive's constraint): confirming again or a second address sends nothing
            incentive_welcome_send(user=email_address.user,
                                   language=translation.get_language() or settings.LANGUAGE_CODE)
        return confirmed
