"""The signed-in customer as the header greets them: their first name and, for the top tier, a badge."""

from django.utils.functional import SimpleLazyObject


def customer(request):
    def recognise():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        from .models import CustomerScore

        score = CustomerScore.objects.filter(contact__user=user).only("tier").first()
        return {"name": user.first_name or user.get_username(),
                "top": score is not None and score.tier == CustomerScore.Tier.TOP}

    return {"customer": SimpleLazyObject(recognise)}
