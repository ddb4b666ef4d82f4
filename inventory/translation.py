"""What staff write about a location that shoppers read, in English and French (name_en, name_fr,
opening_hours_en, opening_hours_fr): the store's name and its opening-hours summary. French falls back to
English."""

from modeltranslation.translator import TranslationOptions, register

from .locations import StockLocation


@register(StockLocation)
class StockLocationTranslation(TranslationOptions):
    fields = ("name", "opening_hours")
