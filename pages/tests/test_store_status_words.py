"""Issue 19: "Opens today at 10:00 a.m.." lost its double full stop. The English time ends with "a.m." / "p.m.",
and the sentence about the store's hours ends there too, with one full stop, in every form the sentence takes."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _status(client, path: str) -> str:
    """The sentence under the store's address that says whether it is open."""
    html = client.get(path).content.decode()
    [status] = re.findall(r'<p class="fw-bold[^"]*">\s*(.*?)\s*</p>', html, flags=re.S)
    return status


@pytest.mark.parametrize(("moment", "expected"), [
    ((2026, 11, 24, 8, 15), "Closed now. Opens today at 10:00 a.m."),      # Tuesday morning
    ((2026, 11, 24, 19, 0), "Closed now. Opens tomorrow at 10:00 a.m."),   # Tuesday evening
    ((2026, 11, 28, 19, 0), "Closed now. Opens Monday at 10:00 a.m."),     # Saturday evening, closed on Sunday
    ((2026, 11, 24, 11, 30), "Open now, until 6:00 p.m."),
])
def test_the_stores_open_or_closed_sentence_ends_with_one_full_stop(client, kensington, clock, moment, expected):
    clock(*moment)

    assert _status(client, reverse("pages:stores")) == expected


@pytest.mark.parametrize(("moment", "expected"), [
    ((2026, 11, 24, 8, 15), "Fermé en ce moment. Ouvre aujourd’hui à 10 h 00."),
    ((2026, 11, 24, 11, 30), "Ouvert en ce moment, jusqu’à 18 h 00."),
])
def test_in_french_the_sentence_keeps_its_full_stop_after_the_time(client, kensington, clock, moment, expected):
    clock(*moment)

    assert _status(client, "/fr/stores/") == expected


def test_no_page_about_stores_doubles_a_full_stop_after_a_time(client, kensington, clock, starter_pages):
    clock(2026, 11, 24, 8, 15)

    for path in (reverse("pages:stores"), reverse("pages:shipping_policy"), "/fr/stores/"):
        html = client.get(path).content.decode()
        assert not re.search(r"[ap]\.m\.\.", html), path
