"""Copy of shared/bench/catalogue_data.py, used only when that file is not beside the repository.

Deterministic, framework-independent catalogue data for the e-commerce benchmark.

Pure Python (no Django import) so another project can generate *exactly* the same
catalogue: 1 product class, 10 categories, 5,000 products by default (any count on request), each with title,
description (~60-120 words), price (GBP, 1.00-500.00) and num_in_stock (1-100),
single partner, no images. Product i belongs to category (i-1) % 10.
"""
import random
from decimal import Decimal

SEED = 20240501
N_PRODUCTS = 5000
N_CATEGORIES = 10
PRODUCT_CLASS = "Widget"
PARTNER = "Bench Partner"
CURRENCY = "GBP"

CATEGORY_NAMES = [
    "Books", "Clothing", "Electronics", "Garden", "Home",
    "Kitchen", "Music", "Outdoors", "Sports", "Toys",
]
assert len(CATEGORY_NAMES) == N_CATEGORIES

_ADJ = ("red blue green small large vintage modern classic deluxe compact "
        "portable wireless organic handmade premium rugged elegant smart "
        "durable lightweight").split()
_NOUN = ("lamp chair kettle jacket speaker novel guitar backpack tent racket "
         "puzzle drone blender scarf monitor planter rug mug bicycle watch").split()
_WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
          "tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam "
          "quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo "
          "consequat duis aute irure in reprehenderit voluptate velit esse cillum "
          "fugiat nulla pariatur excepteur sint occaecat cupidatat non proident "
          "sunt culpa qui officia deserunt mollit anim id est laborum").split()


def products(count: int = N_PRODUCTS):
    """Yield dicts: n, title, description, category_index, sku, price, num_in_stock.

    Any count: the first 5,000 products are the same whatever the count, so figures at 5k and 50k compare."""
    rng = random.Random(SEED)
    for n in range(1, count + 1):
        title = "%s %s %s %05d" % (rng.choice(_ADJ).capitalize(), rng.choice(_ADJ),
                                   rng.choice(_NOUN), n)
        nwords = rng.randint(60, 120)
        words = [rng.choice(_WORDS) for _ in range(nwords)]
        # sentences of 12 words
        sents = [" ".join(words[i:i + 12]).capitalize() + "." for i in range(0, nwords, 12)]
        description = " ".join(sents)
        price = Decimal(rng.randint(100, 50000)) / 100
        stock = rng.randint(1, 100)
        yield {
            "n": n,
            "title": title,
            "description": description,
            "category_index": (n - 1) % N_CATEGORIES,
            "sku": "SKU-%05d" % n,
            "price": price,
            "num_in_stock": stock,
        }


if __name__ == "__main__":
    import hashlib, json
    rows = list(products())
    blob = json.dumps(rows, default=str, sort_keys=True).encode()
    print(len(rows), "products; sha256 of JSON dump:", hashlib.sha256(blob).hexdigest())
    print(rows[0])
