"""The signed-in customer as the header greets them: their first name, for the top tier a badge, and the perk
staff defined for their tier."""

from django.utils.functional import SimpleLazyObject


def customer(request):
    def recognise():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        from django.utils.translation import get_language

        from .models import CustomerScore, Perk

        score = CustomerScore.objects.filter(contact__user=user).only("tier").first()
        perk = Perk.objects.filter(tier=score.tier, is_active=True).first() if score is not None else None
        return {"name": user.first_name or user.get_username(),
                "top": score is not None and score.tier == CustomerScore.Tier.TOP,
                "perk": perk.label(get_language() or "en") if perk else ""}

    return {"customer": SimpleLazyObject(recognise)}
