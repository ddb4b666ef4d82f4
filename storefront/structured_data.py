"""A product page's schema.org data (https://schema.org/Product), read by search engines from its JSON-LD block
(seo_tags.json_ld): name, description, pictures, rating, and one Offer per SKU with its price in CAD and whether it
can be bought now.

- Sizes and colours: one Offer per SKU (each has its own price, SKU and availability), not an AggregateOffer,
  which would hide which size is sold out.
- Made to order: no Offer. Its estimate ("from $1,200") is not a price anyone can buy at without a quote, and an
  offer must be buyable at its price; the product is described without one.
"""

from django.conf import settings

from inventory.selectors import Availability

SCHEMA = "https://schema.org/"


def absolute(url: str) -> str:
    return url if url.startswith(("https://", "http://")) else settings.SHOP_BASE_URL.rstrip("/") + url


def offer_availability(availability: Availability) -> str:
    """InStock: free units online. BackOrder: none, but the product takes orders that ship later. InStoreOnly: none
    online, some in a store. OutOfStock: none anywhere."""
    if availability.online > 0:
        return SCHEMA + "InStock"
    if getattr(availability, "backorderable", False):
        return SCHEMA + "BackOrder"
    if availability.stores:
        return SCHEMA + "InStoreOnly"
    return SCHEMA + "OutOfStock"


def product_data(product, variants, images) -> dict:
    """`variants`: (SKU, its availability) pairs, as the product page shows them; `images`: its pictures."""
    url = absolute(product.get_absolute_url())
    data = {"@context": "https://schema.org", "@type": "Product", "name": product.name, "url": url}
    if product.description:
        data["description"] = product.description
    if images:
        data["image"] = [absolute(image.large_url) for image in images]
    if len(variants) == 1:
        data["sku"] = variants[0][0].sku
    if product.rating_count:
        data["aggregateRating"] = {"@type": "AggregateRating", "ratingValue": str(product.rating_average),
                                   "reviewCount": product.rating_count, "bestRating": "5", "worstRating": "1"}
    if product.made_to_order:
        return data
    offers = [
        {
            "@type": "Offer",
            "sku": variant.sku,
            **({"name": f"{product.name} — {variant.label}"} if variant.label else {}),
            "price": f"{variant.price:.2f}",
            "priceCurrency": settings.SHOP_CURRENCY,
            "availability": offer_availability(availability),
            "itemCondition": SCHEMA + "NewCondition",
            "url": url,
        }
        for variant, availability in variants
    ]
    data["offers"] = offers[0] if len(offers) == 1 else offers
    return data
