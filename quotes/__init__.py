"""Quote requests for made-to-order products: the request, staff's priced reply, the signed link, acceptance
into checkout."""
