import factory

from help.models import FaqEntry, Topic


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name_en = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class FaqEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaqEntry

    topic = factory.SubFactory(TopicFactory)
    question_en = factory.Sequence(lambda n: f"Question {n}?")
    answer_en = "An answer."
    is_published = True
