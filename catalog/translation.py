"""Names and descriptions staff write in English and French (django-modeltranslation adds name_en, name_fr,
description_en, description_fr; `product.name` reads the active language's field, French falls back to English)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Category, Product, ProductImage


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("name", "description", "estimate_note")


@register(ProductImage)
class ProductImageTranslation(TranslationOptions):
    fields = ("alt_text",)
