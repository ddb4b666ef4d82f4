"""Content staff write in both languages: <field>_en and <field>_fr columns; French falls back to English."""

from modeltranslation.translator import TranslationOptions, register

from .models import FaqEntry, Topic


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(FaqEntry)
class FaqEntryTranslationOptions(TranslationOptions):
    fields = ("question", "answer")
