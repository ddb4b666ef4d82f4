"""The nightly pairs against a co-occurrence worked out by hand on the fixed orders of conftest.py.

Counted orders, as sets of products (A's two sizes are one product):
    O1 {A,B,C}  O2 {A,B}  O3 {A,B}  O4 {A,C}  O5 {B,C,D}  O6 {D,E}  O9 {D,E}  O10 {A,D}
Support (distinct counted orders holding both):
    A-B 3 (O1 O2 O3) · A-C 2 (O1 O4) · B-C 2 (O1 O5) · D-E 2 (O6 O9) · A-D 1 (O10) · B-D 1 (O5) · C-D 1 (O5)
The unpaid O7 {A,D,E} and the cancelled O8 {A,E} would make D-E 3, A-D 2 and A-E 2 if they counted.
"""

import pytest

from recommendations.models import ProductPair
from recommendations.services import product_pairs_compute
from recommendations.tasks import product_pairs_nightly

pytestmark = pytest.mark.django_db


def pairs(product) -> list[tuple[str, str, int, int]]:
    name = {p.pk: letter for letter, p in product.items()}
    return [(name[p.product_id], name[p.other_id], p.support, p.rank)
            for p in ProductPair.objects.order_by("product_id", "rank")]


def test_pairs_with_a_support_of_two_match_the_hand_computed_co_occurrence(orders, product):
    written = product_pairs_compute(min_support=2, top=12)

    assert pairs(product) == [
        ("A", "B", 3, 1), ("A", "C", 2, 2),
        ("B", "A", 3, 1), ("B", "C", 2, 2),
        ("C", "A", 2, 1), ("C", "B", 2, 2),  # a tie: the lower product id first
        ("D", "E", 2, 1),
        ("E", "D", 2, 1),
    ]
    assert written == 8


def test_a_support_of_one_adds_the_single_orders_and_top_keeps_the_best_of_each_product(orders, product):
    product_pairs_compute(min_support=1, top=2)

    assert pairs(product) == [
        ("A", "B", 3, 1), ("A", "C", 2, 2),  # A-D (1) is third: not kept
        ("B", "A", 3, 1), ("B", "C", 2, 2),
        ("C", "A", 2, 1), ("C", "B", 2, 2),
        ("D", "E", 2, 1), ("D", "A", 1, 2),  # A, B and C each once with D: the lowest id wins the tie
        ("E", "D", 2, 1),
    ]


def test_unpaid_and_cancelled_orders_are_left_out(orders, product):
    product_pairs_compute(min_support=1, top=12)

    found = {(a, b): support for a, b, support, _rank in pairs(product)}
    assert found[("D", "E")] == 2 and found[("A", "D")] == 1
    assert ("A", "E") not in found and ("E", "A") not in found


def test_the_nightly_job_replaces_the_pairs_and_is_safe_to_run_twice(orders, product, settings,
                                                                     django_capture_on_commit_callbacks):
    settings.SHOP_CROSS_SELL_MIN_SUPPORT = 2
    ProductPair.objects.create(product=product["E"], other=product["A"], support=99, rank=1)  # last night's

    with django_capture_on_commit_callbacks(execute=True):
        assert product_pairs_nightly() == 8
    first = pairs(product)
    with django_capture_on_commit_callbacks(execute=True):
        assert product_pairs_nightly() == 8

    assert pairs(product) == first and ("E", "A", 99, 1) not in first


def test_the_nightly_job_is_in_the_schedule(settings):
    assert settings.SHOP_JOBS["cross-sell-pairs"]["task"] == "recommendations.tasks.product_pairs_nightly"
    assert settings.SHOP_CROSS_SELL_MIN_SUPPORT == 2


def test_the_crosssell_version_changes_once_the_pairs_are_committed(orders, django_capture_on_commit_callbacks):
    from catalog import page_cache

    before = page_cache.versions_get(["crosssell"])
    with django_capture_on_commit_callbacks(execute=True):
        product_pairs_compute()

    assert page_cache.versions_get(["crosssell"]) != before
