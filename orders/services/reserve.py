"""Holding an order's units: when it is placed (checkout.services.placing), and again when a card payment arrives
after its reservation expired (payments.services.card)."""

from inventory import services as stock_services

from ..models import Order, OrderAllocation, OrderLine


def order_stock_reserve(*, order: Order, lines: list[OrderLine] | None = None,
                        backorderable: frozenset[int] | None = None,
                        made_to_order: frozenset[int] | None = None) -> None:
    """Hold the order's units through the inventory's one reservation rule (raises InsufficientStock). Also used
    to hold them again when a card payment arrives after the order's reservation expired.

    Lines of products that allow backorders never fail: what is in stock is held and the rest is recorded on the
    line as backordered, to be held first-come-first-served as stock arrives (orders.services.backorders).
    `backorderable`: the variant ids of such lines, when the caller knows them (else they are read).

    Lines of made-to-order products (a quote's line) hold nothing and are never backordered: the item is made after
    the order, there is no stock to take it from. `made_to_order`: their variant ids, when the caller knows them."""
    lines = lines if lines is not None else list(order.lines.all())
    if backorderable is None or made_to_order is None:
        flags = list(OrderLine.objects.filter(pk__in=[line.pk for line in lines]).values_list(
            "variant_id", "variant__product__allow_backorder", "variant__product__made_to_order"))
        if backorderable is None:
            backorderable = frozenset(variant for variant, backorder, _made in flags if backorder)
        if made_to_order is None:
            made_to_order = frozenset(variant for variant, _backorder, made in flags if made)
    lines = [line for line in lines if line.variant_id not in made_to_order]
    allocations = stock_services.stock_reserve(
        lines=[(line.variant_id, line.quantity) for line in lines], reference=order.number, user=order.user,
        backorderable=backorderable,
    )
    line_by_variant = {line.variant_id: line for line in lines}
    OrderAllocation.objects.bulk_create([
        OrderAllocation(line=line_by_variant[a.variant_id], stock_id=a.stock_id, quantity=a.quantity)
        for a in allocations
    ])
    held = {line.variant_id: 0 for line in lines}
    for a in allocations:
        held[a.variant_id] += a.quantity
    changed = []
    for line in lines:
        if line.backordered != line.quantity - held[line.variant_id]:
            line.backordered = line.quantity - held[line.variant_id]
            changed.append(line)
    OrderLine.objects.bulk_update(changed, ["backordered"])
