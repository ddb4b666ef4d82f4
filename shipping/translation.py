"""A carrier's name as shoppers read it in each language ("Canada Post", "Postes Canada"): name_en, name_fr.
French falls back to English."""

from modeltranslation.translator import TranslationOptions, register

from .models import Carrier


@register(Carrier)
class CarrierTranslation(TranslationOptions):
    fields = ("name",)
