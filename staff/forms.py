from allauth.account.adapter import get_adapter
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in, throttled exactly like the shop's: allauth's adapter counts each attempt against
    ACCOUNT_RATE_LIMITS["login_failed"] (per address and per username, in the shared cache) and gives the attempt
    back when the password is right. Once the limit is reached, even the right password is refused until the window
    has passed."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "too_many_attempts": _("Too many failed sign-in attempts, try again later."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = get_adapter(self.request).authenticate(self.request, username=username,
                                                                         password=password)
            except ValidationError as error:
                if error.code != "too_many_login_attempts":
                    raise
                raise ValidationError(self.error_messages["too_many_attempts"], code="too_many_attempts") from error
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
