"""What the order page's Returns section needs, for a page whose view (orders) does not know about returns."""

from django import template

from ..selectors import return_offer

register = template.Library()


@register.simple_tag
def return_offer_for(order):
    """{% return_offer_for order as offer %}: offer.available, offer.last_day, offer.window_open."""
    return return_offer(order=order)
