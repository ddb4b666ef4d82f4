"""French elision of a sentence a name was put in (core.french.elide), and its template filter."""

import pytest
from django.template import Context, Template
from django.utils import translation

from core.french import elide


@pytest.mark.parametrize(("sentence", "elided"), [
    ("Carte de Edmonton — magasin Whyte Avenue (ouvre OpenStreetMap)",
     "Carte d’Edmonton — magasin Whyte Avenue (ouvre OpenStreetMap)"),
    ("Quantité de Imperméable Chinook", "Quantité d’Imperméable Chinook"),
    ("Quantité de Ensemble de bougies", "Quantité d’Ensemble de bougies"),  # the name's own "de b" stays
    ("Heures d’ouverture de Calgary — magasin Kensington", "Heures d’ouverture de Calgary — magasin Kensington"),
    ("Unités de Édredon en laine à retourner", "Unités d’Édredon en laine à retourner"),
    ("Choix de Amélie Gagnon.", "Choix d’Amélie Gagnon."),
    ("Plus que 2 de Orignal en peluche — quantité ramenée à 2.",
     "Plus que 2 d’Orignal en peluche — quantité ramenée à 2."),
    ("Réponse de Ursule, un client", "Réponse d’Ursule, un client"),
    ("Réponse de Îlot Design", "Réponse d’Îlot Design"),
    ("De Edmonton", "D’Edmonton"),
    ("le Imperméable, la Orignal, que il, ne est", "l’Imperméable, l’Orignal, qu’il, n’est"),
    ("Choix de Yvonne.", "Choix d’Yvonne."),  # y before a consonant is a vowel sound
    ("Carte de Yellowknife", "Carte de Yellowknife"),  # y before a vowel is not
    ("Quantité de Harmonica en do", "Quantité de Harmonica en do"),  # h is left alone (muet or aspiré: see module)
    ("Quantité de Bâton de hockey", "Quantité de Bâton de hockey"),
    ("Plus que 8 de 11 unités", "Plus que 8 de 11 unités"),
    ("écrivez-le avec un point", "écrivez-le avec un point"),  # a pronoun after a hyphen
    ("Carte de  Edmonton", "Carte d’Edmonton"),  # however many spaces
    ("Carte de\u00a0Edmonton", "Carte d’Edmonton"),
    ("Code de Amex", "Code d’Amex"),
    ("monde entier", "monde entier"),  # "de" inside a word
])
def test_french_elides_de_le_la_que_ne_before_a_vowel_sound(sentence, elided):
    assert elide(sentence, "fr") == elided


def test_other_languages_are_left_as_written():
    assert elide("Made de Edmonton", "en") == "Made de Edmonton"
    with translation.override("en"):
        assert elide("Carte de Edmonton") == "Carte de Edmonton"
    with translation.override("fr"):
        assert elide("Carte de Edmonton") == "Carte d’Edmonton"


def test_the_filter_elides_a_translated_sentence_and_keeps_names_escaped():
    template = Template('{% load i18n shop_tags %}{% blocktranslate with name=name asvar label %}Map of {{ name }} '
                        '(opens OpenStreetMap){% endblocktranslate %}<a>{{ label|elide }}</a>')
    with translation.override("fr"):
        html = template.render(Context({"name": "Edmonton <b>store</b>"}))
    with translation.override("en"):
        english = template.render(Context({"name": "Edmonton"}))

    assert html == "<a>Carte d’Edmonton &lt;b&gt;store&lt;/b&gt; (ouvre OpenStreetMap)</a>"
    assert english == "<a>Map of Edmonton (opens OpenStreetMap)</a>"
