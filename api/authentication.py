"""Token authentication with the point-of-sale keys (inventory.ApiToken): ``Authorization: Bearer <key>``.

Only a hash of each key is stored; inventory.services.api_token_user checks it the same way the point-of-sale API
always has (an active token of an active user) and notes when the token was last used."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from inventory import services as stock_services


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "bearer"

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        scheme, _sep, key = header.partition(" ")
        if scheme.lower() != self.keyword:
            return None  # no key: anonymous, refused with 401 by the permissions
        key = key.strip()
        user = stock_services.api_token_user(key) if key else None
        if user is None:
            raise exceptions.AuthenticationFailed(_("A valid API key is required (Authorization: Bearer <key>)."))
        return user, key

    def authenticate_header(self, request):
        return "Bearer"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A key added by a superuser in the admin (Inventory › API tokens)."}
