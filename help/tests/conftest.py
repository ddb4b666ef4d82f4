import pytest

from help.tests.factories import FaqEntryFactory, TopicFactory


@pytest.fixture
def delivery(db):
    """A bilingual topic with two published entries and an unpublished draft."""
    topic = TopicFactory(name_en="Delivery", name_fr="Livraison", slug="delivery", position=1)
    FaqEntryFactory(
        topic=topic, position=1,
        question_en="How long does shipping take?",
        answer_en="We ship within two business days; Canada Post delivers in three to five days.",
        question_fr="Combien de temps prend la livraison?",
        answer_fr="Nous expédions en deux jours ouvrables; Postes Canada livre en trois à cinq jours.",
    )
    FaqEntryFactory(
        topic=topic, position=2,
        question_en="Do you deliver to the Yukon?",
        answer_en="Yes, everywhere in Canada.",
    )
    FaqEntryFactory(topic=topic, position=3, is_published=False, question_en="Draft about shipping drones?",
                    answer_en="Not yet.")
    return topic
