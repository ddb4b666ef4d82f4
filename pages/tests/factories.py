import datetime

import factory

from inventory.tests.factories import LocationFactory
from pages.models import NewsItem, Page, StoreHours


class StoreFactory(LocationFactory):
    name = "Calgary — Kensington store"
    code = factory.Sequence(lambda n: f"store{n}")
    address = "1130 Kensington Rd NW"
    city = "Calgary"
    province = "AB"
    postal_code = "T2N 3P9"
    phone = "403-555-0110"


class StoreHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoreHours

    location = factory.SubFactory(StoreFactory)
    weekday = 0
    opens = datetime.time(10, 0)
    closes = datetime.time(18, 0)
    closed = False


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    section = "about"
    slug = factory.Sequence(lambda n: f"page-{n}")
    title_en = factory.Sequence(lambda n: f"Page {n}")
    title_fr = ""
    summary_en = ""
    body_en = "First paragraph."
    is_published = True


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsItem

    section = NewsItem.Kind.NEWS
    slug = factory.Sequence(lambda n: f"news-{n}")
    title_en = factory.Sequence(lambda n: f"News {n}")
    body_en = "What happened."
    published_on = datetime.date(2026, 11, 2)
    is_published = True
