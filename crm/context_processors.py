"""The signed-in customer as the header greets them: their first name, for the top tier a badge, and the perk
staff defined for their tier."""

from django.utils.functional import SimpleLazyObject


def _tier_and_perk(user) -> tuple[str, str, str]:
    """(tier, perk text, French perk text) of the user's score: one query, cached per customer until the nightly
    scores or a perk change (the `scores` version)."""
    from django.db.models import OuterRef, Subquery

    from catalog import page_cache

    from .models import CustomerScore, Perk
    from .services.scoring import SCORES

    def read():
        perks = Perk.objects.filter(tier=OuterRef("tier"), is_active=True).order_by("pk")
        score = (CustomerScore.objects.filter(contact__user=user)
                 .annotate(perk_text=Subquery(perks.values("text")[:1]),
                           perk_text_fr=Subquery(perks.values("text_fr")[:1]))
                 .values_list("tier", "perk_text", "perk_text_fr").first())
        return score or ("", "", "")

    return page_cache.value_get_or_build(("customer-tier", user.pk), [SCORES], read)


def customer(request):
    def recognise():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        from django.utils.translation import get_language

        from .models import CustomerScore, Perk

        tier, text, text_fr = _tier_and_perk(user)
        perk = Perk(text=text or "", text_fr=text_fr or "") if tier else None
        return {"name": user.first_name or user.get_username(),
                "top": tier == CustomerScore.Tier.TOP,
                "perk": perk.label(get_language() or "en") if perk else ""}

    return {"customer": SimpleLazyObject(recognise)}
