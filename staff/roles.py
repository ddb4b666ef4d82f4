"""The ready-made staff groups and what each may do, per object kind (least privilege: only what the job needs).

A member also needs "Staff status" (is_staff) to open the admin. `migrate` creates these groups in every installation
and sets their permissions to exactly what this module says (staff.services.staff_groups_sync): change this table,
not the groups in the admin, which the next `migrate` puts back. For a local variation, make a group of your own.

Each group, what it works with (view, add, change; "+ delete" where deleting is a normal edit), what it only sees:
- Store staff: the counter forms (in-store sales, receipts, returns, transfers, count corrections: stock movements).
  Answers quote requests for made-to-order products (view, change: price, send, decline).
  Sees stock levels, movements, locations, products and variants. Not orders, except the pickups of the stores they
  are assigned to (shipping.StoreAssignment): view, change ("Ready for pickup", "Picked up"). Logs their own hours
  (timesheets: view and add, their own rows only; staff.admin).
- Warehouse: the counter forms; shipments (the Ship form, "Mark delivered"); returns (approve, refuse, receive; not
  the refund). Sees orders with their lines and timeline, delivery methods, carriers, capacity, holidays, stock,
  products. Not invoices or payments. Logs their own hours, as Store staff do. Purchasing: suppliers' terms and
  items (+ delete), reorder suggestions (into purchase orders), purchase orders (lines + delete while drafts; send,
  receive), low-stock alerts, and the reorder point and quantity of stock levels.
- Accounts: invoices (record a payment, due date, reminders; print, PDF), payments (refund), refunds, business
  accounts (statements: print, PDF, email), the seller's identity printed on invoices, returns (the refund step).
  Sees orders with their lines and timeline, credit notes (print, PDF, email), customer profiles, user accounts (to
  pick a business account's user), purchase orders.
- Marketing: CRM contacts, their interactions (+ delete), segments and perks (+ delete); moderation of reviews,
  questions and answers, and the shop's answers; the FAQ (topics; entries + delete) and the question inbox; pages and
  news (+ delete). Sees the consent log, customer scores, FAQ searches that found nothing, categories and products.
- Catalogue managers: categories, products, variants (prices), pictures (+ delete). Sees stock levels and movements,
  suppliers' terms and items.
- Managers: every business record of the shop's own apps, models added later included (MANAGER_LIMITS), + delete on
  content and calendars (MANAGER_DELETE). Only sees what the services write (the stock ledger, order lines and
  timeline, consent log, scores, credit notes, the periodic jobs' runs) and user accounts. May run a periodic job now.
  Everyone's timesheets (+ delete) and the hourly staff costs: no other group holds any permission on those costs.

Nobody but a superuser manages user accounts, groups and permissions, API keys for point-of-sale systems, the raw
Stripe events or the outbox (its emails hold password-reset and sign-in links).
"""

from collections.abc import Iterable
from pathlib import Path

from django.apps import apps as global_apps
from django.conf import settings

VIEW = ("view",)
RECORD = ("view", "add")  # append-only: a new row is the only change (the stock ledger)
EDIT = ("view", "change")  # rows the services create; staff act on them (record a payment, approve a return)
WORK = ("view", "add", "change")
FULL = ("view", "add", "change", "delete")

STORE_STAFF = "Store staff"
WAREHOUSE = "Warehouse"
ACCOUNTS = "Accounts"
MARKETING = "Marketing"
CATALOGUE_MANAGERS = "Catalogue managers"
MANAGERS = "Managers"
GROUP_NAMES = [STORE_STAFF, WAREHOUSE, ACCOUNTS, MARKETING, MANAGERS, CATALOGUE_MANAGERS]

# What a counter clerk, a picker, ... needs to see around their own work.
_STOCK_AT_THE_COUNTER = {
    "inventory.stock": VIEW, "inventory.stockmovement": RECORD, "inventory.stocklocation": VIEW,
    "catalog.product": VIEW, "catalog.productvariant": VIEW,
}
_ORDERS_READ = {
    "orders.order": VIEW, "orders.orderline": VIEW, "orders.ordertaxline": VIEW, "orders.orderevent": VIEW,
}

# Reordering (purchasing): suppliers' terms and items (+ delete), the nightly suggestions (turned into purchase
# orders by an admin action), purchase orders (send, receive) and the low-stock alerts.
_PURCHASING = {
    "purchasing.supplierterms": WORK, "purchasing.supplieritem": FULL, "purchasing.reordersuggestion": VIEW,
    "purchasing.purchaseorder": WORK, "purchasing.purchaseorderline": FULL, "purchasing.purchaseorderevent": VIEW,
    "purchasing.lowstockalert": VIEW,
}

# Their own hours: staff.admin shows a member without "change" on time entries only their own rows.
_OWN_HOURS = {"staff.timeentry": RECORD}

ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    # Store staff sell: they answer quote requests for made-to-order work (price, lead time, validity).
    STORE_STAFF: {**_STOCK_AT_THE_COUNTER, **_OWN_HOURS, "quotes.quote": EDIT,
                  # the pickups of their own stores (shipping.StoreAssignment): ready for pickup, picked up
                  "shipping.pickup": EDIT},
    WAREHOUSE: {
        **_STOCK_AT_THE_COUNTER, **_ORDERS_READ, **_OWN_HOURS,
        "orders.deliverymethod": VIEW,
        "shipping.shipment": WORK, "shipping.shipmentline": VIEW, "shipping.carrier": VIEW,
        "shipping.fulfilmentcapacity": VIEW, "shipping.holiday": VIEW,
        "returns.returnrequest": EDIT, "returns.returnline": VIEW,
        **_PURCHASING,
        "inventory.stock": EDIT,  # the reorder point and quantity of a stock row (levels move through the forms)
    },
    ACCOUNTS: {
        **_ORDERS_READ,
        "payments.invoice": EDIT, "payments.payment": EDIT, "payments.refund": WORK, "payments.creditnote": VIEW,
        "payments.creditaccount": WORK, "payments.statementsent": VIEW,
        # the seller's legal name, address and tax numbers printed on invoices (one row: set, then changed)
        "core.selleridentity": WORK,
        "returns.returnrequest": EDIT, "returns.returnline": VIEW,
        "accounts.profile": VIEW, "auth.user": VIEW,
        # what the shop has ordered from its suppliers (to match their invoices), never changed here
        "purchasing.purchaseorder": VIEW, "purchasing.purchaseorderline": VIEW, "purchasing.purchaseorderevent": VIEW,
    },
    MARKETING: {
        "crm.contact": WORK, "crm.interaction": FULL, "crm.consentevent": VIEW, "crm.customerscore": VIEW,
        "crm.segment": FULL, "crm.perk": FULL,
        "community.review": EDIT, "community.productquestion": EDIT, "community.productanswer": WORK,
        "help.topic": WORK, "help.faqentry": FULL, "help.customerquestion": EDIT, "help.searchmiss": VIEW,
        "pages.page": FULL, "pages.newsitem": FULL,
        "catalog.category": VIEW, "catalog.product": VIEW,
        # discount codes (deactivated, never deleted: their uses point at them); "add" on incentives approves a
        # "we miss you" coupon for the customers the churn alert flags (coupons.admin)
        "coupons.coupon": WORK, "coupons.couponredemption": VIEW, "coupons.incentive": RECORD,
        "coupons.winbackcandidate": VIEW,
        # newsletters (blocks + delete while drafts); who received one and the footer's sign-ups: only seen
        "newsletters.newsletter": FULL, "newsletters.newsletterblock": FULL,
        "newsletters.newsletterdelivery": VIEW, "newsletters.signup": VIEW,
    },
    CATALOGUE_MANAGERS: {
        "catalog.category": WORK, "catalog.product": WORK, "catalog.productvariant": WORK,
        "catalog.productimage": FULL,
        "inventory.stock": VIEW, "inventory.stockmovement": VIEW,
        "purchasing.supplierterms": VIEW, "purchasing.supplieritem": VIEW,
    },
}

# Managers: view, add and change on every model of the shop's own apps (so a model added later is theirs at the next
# migrate), except what is listed here: technical records (nothing), records only the services write (view), rows
# that come from customers or the services (view and change).
MANAGER_DEFAULT = WORK
MANAGER_LIMITS: dict[str, tuple[str, ...]] = {
    "inventory.apitoken": (), "payments.stripeevent": (), "outbox.outboxemail": (),
    "inventory.stock": EDIT, "inventory.stockmovement": RECORD,
    "purchasing.reordersuggestion": VIEW, "purchasing.purchaseorderevent": VIEW, "purchasing.lowstockalert": VIEW,
    "orders.orderline": VIEW, "orders.ordertaxline": VIEW, "orders.orderevent": VIEW,
    "orders.orderallocation": VIEW, "checkout.cart": VIEW, "checkout.cartline": VIEW,
    "payments.creditnote": VIEW, "payments.statementsent": VIEW,
    "crm.consentevent": VIEW, "crm.customerscore": VIEW, "help.searchmiss": VIEW,
    "shipping.shipmentline": VIEW, "shipping.backinstockrequest": VIEW, "returns.returnline": VIEW,
    "coupons.couponredemption": VIEW, "coupons.incentive": RECORD, "coupons.winbackcandidate": VIEW,
    # written by customers or by checkout and the payment services: worked on, never made up in the admin
    "orders.order": EDIT, "payments.invoice": EDIT, "payments.payment": EDIT, "community.review": EDIT,
    "community.productquestion": EDIT, "help.customerquestion": EDIT, "accounts.profile": EDIT,
    "accounts.address": EDIT, "shipping.fulfilmentcapacity": EDIT,
    "quotes.quote": EDIT,  # customers' requests, answered through the services
    "shipping.pickup": EDIT,  # orders picked up in store: moved through shipping.services.pickups
    # the record of the periodic jobs' runs: written by the runs themselves (Managers may start one: MANAGER_SPECIAL)
    "jobs.jobrun": VIEW,
    # a newsletter's recipients and the footer's sign-ups: written by the services (the consent proof)
    "newsletters.newsletterdelivery": VIEW, "newsletters.signup": VIEW,
}
# Deleting is a normal edit only for content, calendars and rows of a form (the rest is deactivated, never deleted).
MANAGER_DELETE = {
    "catalog.productimage", "crm.interaction", "crm.segment", "crm.perk", "help.faqentry", "pages.page",
    "pages.newsitem", "pages.storehours", "shipping.holiday", "shipping.rate", "staff.timeentry",
    "newsletters.newsletter", "newsletters.newsletterblock", "shipping.storeassignment",
    "purchasing.supplieritem", "purchasing.purchaseorderline",
}
# Outside the shop's apps: user accounts may be looked up (picking a business account's user), never changed.
MANAGER_EXTRA = {"auth.user": VIEW}
# Permissions that are not view/add/change/delete: "Run now" on the admin's Periodic jobs page.
MANAGER_SPECIAL = {"jobs.run_job"}


def shop_app_labels() -> set[str]:
    """The apps of this repository (not Django's, not third-party packages)."""
    base = Path(settings.BASE_DIR).resolve()
    return {config.label for config in global_apps.get_app_configs()
            if Path(config.path).resolve().is_relative_to(base) and "site-packages" not in Path(config.path).parts}


def manager_actions(kind: str) -> tuple[str, ...]:
    actions = MANAGER_LIMITS.get(kind, MANAGER_DEFAULT)
    return (*actions, "delete") if kind in MANAGER_DELETE else actions


def role_permissions(available: Iterable[tuple[str, str, str]]) -> dict[str, set[str]]:
    """What each group holds, as "app_label.codename", among the permissions that exist: `available` gives
    (app_label, model, codename) of each. A kind named here whose model does not exist (yet) is skipped."""
    available = list(available)
    names = {f"{app}.{codename}" for app, _model, codename in available}
    granted: dict[str, set[str]] = {}
    for group, kinds in ROLES.items():
        granted[group] = {name for kind, actions in kinds.items() for name in _names(kind, actions)} & names
    shop_apps = shop_app_labels()
    managers = ({name for kind, actions in MANAGER_EXTRA.items() for name in _names(kind, actions)}
                | MANAGER_SPECIAL) & names
    for app, model, codename in available:
        kind = f"{app}.{model}"
        if app in shop_apps and codename in {f"{action}_{model}" for action in manager_actions(kind)}:
            managers.add(f"{app}.{codename}")
    granted[MANAGERS] = managers
    return granted


def _names(kind: str, actions: tuple[str, ...]) -> list[str]:
    app, model = kind.split(".")
    return [f"{app}.{action}_{model}" for action in actions]
