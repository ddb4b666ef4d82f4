"""Names and descriptions staff write in English and French (django-modeltranslation adds name_en, name_fr,
description_en, description_fr; `product.name` reads the active language's field, French falls back to English).
A variant's size and colour are option values shoppers read ("M / Navy", "M / Marine"): translated too."""

from modeltranslation.translator import TranslationOptions, register

from .models import Category, Product, ProductImage, ProductVariant


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("name", "description", "estimate_note")


@register(ProductImage)
class ProductImageTranslation(TranslationOptions):
    fields = ("alt_text",)


@register(ProductVariant)
class ProductVariantTranslation(TranslationOptions):
    fields = ("size", "colour")
