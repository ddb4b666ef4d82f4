"""The shop's admin site: the home page opens on today's work (staff.today) and lists the admin's sections by job
(Selling, Warehouse, Money, Customers, Content, System) instead of by app in alphabetical order.

Only the index and the sidebar are regrouped: each model keeps its ModelAdmin, its permissions and its URLs, and a
per-app page (/admin/orders/) still lists that app's models. A section has a page of its own (/admin/section/money/)
so that its heading is a link, as an app's is."""

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .today import today_items

SELLING, WAREHOUSE, MONEY = "selling", "warehouse", "money"
CUSTOMERS, CONTENT, SYSTEM = "customers", "content", "system"

# Each section and its models ("app_label.model_name"), in the order staff meet them in their day.
SECTIONS: list[tuple[str, str, list[str]]] = [
    (SELLING, _("Selling"), [
        "orders.order", "returns.returnrequest", "shipping.pickup", "catalog.product", "catalog.productvariant",
        "catalog.category", "checkout.cart",
    ]),
    (WAREHOUSE, _("Warehouse"), [
        "shipping.shipment", "inventory.stock", "inventory.stockmovement", "staff.timeentry",
        "inventory.stocklocation", "shipping.storeassignment", "shipping.fulfilmentcapacity", "shipping.holiday",
        "orders.deliverymethod",
        "shipping.carrier", "shipping.zone", "shipping.backinstockrequest",
    ]),
    (MONEY, _("Money"), [
        "payments.invoice", "payments.payment", "payments.refund", "payments.creditaccount", "payments.creditnote",
        "orders.taxrate", "core.selleridentity", "staff.staffcost",
    ]),
    (CUSTOMERS, _("Customers"), [
        "crm.contact", "help.customerquestion", "crm.customerscore", "crm.segment", "crm.perk", "crm.interaction",
        "accounts.profile", "accounts.address", "crm.consentevent",
    ]),
    (CONTENT, _("Content"), [
        "pages.page", "pages.newsitem", "help.faqentry", "help.topic", "help.searchmiss", "community.review",
        "community.productquestion", "community.productanswer",
    ]),
    # Technical lists: accounts and their rights, keys, raw payment events, the email queue, periodic jobs.
    (SYSTEM, _("System"), [
        "auth.user", "auth.group", "account.emailaddress", "inventory.apitoken", "payments.stripeevent",
        "outbox.outboxemail", "jobs.jobrun",
    ]),
]
# A model not named above goes to its app's section; a model of an app not named here (Django's, a package's, a
# technical app added later) goes to System.
APP_SECTIONS = {
    "orders": SELLING, "checkout": SELLING, "catalog": SELLING, "returns": SELLING, "storefront": SELLING,
    "inventory": WAREHOUSE, "shipping": WAREHOUSE, "staff": WAREHOUSE, "purchasing": WAREHOUSE,
    "payments": MONEY,
    "crm": CUSTOMERS, "accounts": CUSTOMERS, "newsletters": CUSTOMERS, "coupons": CUSTOMERS,
    "quotes": SELLING, "recommendations": SELLING,
    "pages": CONTENT, "help": CONTENT, "community": CONTENT,
}
_POSITION = {label: (index, position) for index, (_slug, _name, labels) in enumerate(SECTIONS)
             for position, label in enumerate(labels)}
_INDEX_OF = {slug: index for index, (slug, _name, _labels) in enumerate(SECTIONS)}


def section_of(label: str) -> str:
    """The section slug of a model, "app_label.model_name"."""
    if label in _POSITION:
        return SECTIONS[_POSITION[label][0]][0]
    return APP_SECTIONS.get(label.split(".")[0], SYSTEM)


class ShopAdminSite(admin.AdminSite):
    def get_urls(self):
        return [path("section/<slug:section>/", self.admin_view(self.section_index), name="section"),
                *super().get_urls()]

    def get_app_list(self, request, app_label=None):
        """By section for the index and the sidebar; an app's own page (app_label given) lists that app's models as
        Django does."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        sections: dict[str, list[dict]] = {}
        for app in self._build_app_dict(request).values():
            for model in app["models"]:
                label = model["model"]._meta.label_lower
                sections.setdefault(section_of(label), []).append(model)
        listed = []
        for slug, name, _labels in SECTIONS:
            models = sections.get(slug)
            if not models:
                continue
            models.sort(key=lambda m: (_POSITION.get(m["model"]._meta.label_lower, (0, len(_POSITION)))[1],
                                       str(m["name"])))
            listed.append({
                "name": name, "app_label": slug, "has_module_perms": True, "models": models,
                "app_url": reverse("admin:section", kwargs={"section": slug}, current_app=self.name),
            })
        return listed

    def index(self, request, extra_context=None):
        return super().index(request, {"today_items": today_items(user=request.user), **(extra_context or {})})

    def section_index(self, request, section):
        """One section's models, on a page like an app's."""
        app_list = [entry for entry in self.get_app_list(request) if entry["app_label"] == section]
        if section not in _INDEX_OF or not app_list:
            raise Http404(_("No such section."))
        request.current_app = self.name
        return TemplateResponse(request, "admin/app_index.html", {
            **self.each_context(request), "title": app_list[0]["name"], "subtitle": None, "app_list": app_list,
            "app_label": section,
        })
