import factory
from django.contrib.auth import get_user_model

from catalog.tests.factories import ProductFactory
from community.models import ProductAnswer, ProductQuestion, Review


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"customer{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    first_name = "Ana"
    last_name = "Tremblay"
    password = factory.django.Password("pw-123-secret")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    product = factory.SubFactory(ProductFactory)
    author = factory.SubFactory(UserFactory)
    rating = 4
    title = "Solid"
    body = "Does what it says."
    verified_buyer = True


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductQuestion

    product = factory.SubFactory(ProductFactory)
    name = "Luc Gagnon"
    email = "luc@example.com"
    text = "Is it dishwasher safe?"


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductAnswer

    question = factory.SubFactory(QuestionFactory)
    author = factory.SubFactory(UserFactory)
    text = "Yes, mine has been through it a hundred times."
