"""Demo data for payments: a business customer who may order on account."""

from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from .models import CreditAccount


def business_account_seed() -> list[str]:
    """The customer "acme" (password "acme"), buying on account: $5,000.00 credit, net 30."""
    User = get_user_model()
    if User.objects.filter(username="acme").exists():
        return []
    user = User.objects.create_user("acme", "accounts@acme.example", "acme", first_name="Alex",
                                    last_name="Martin")
    CreditAccount.objects.create(user=user, company_name="Acme Cafés Ltd.", credit_limit=Decimal("5000.00"),
                                 terms_days=30)
    # Customers sign in by email, once it is verified (allauth).
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return ["accounts@acme.example / acme (business customer: pays on account, $5,000 credit, net 30)"]
