"""Every contact of the business, what happened with each, what they agreed to receive, and who matters most.

- A Contact is a person or a company of any kind (customer, prospect, supplier, partner, investor, employee),
  linked to a user account where one exists. Customers are found by their email: an order by a guest attaches to
  the contact of that email.
- An Interaction is one line of a contact's timeline: an order, an email sent, a return, a question, or a call,
  visit or note logged by staff. Orders, emails and returns are also read live from their own tables
  (crm.selectors.timeline); interactions hold what only exists here.
- Consent (CASL and PIPEDA): a ConsentEvent is every give or withdraw, per purpose, with who, when, how and which
  wording; never edited. Express consent lasts until withdrawn; implied consent comes from an existing business
  relationship (a purchase: two years; an inquiry: six months) and lapses on a date kept with its proof. An
  unsubscribe (withdrawal) wins over everything given before it. crm.services.consent decides.
- CustomerScore holds the nightly RFM scores and tier, the churn flag and its reason (crm.services.scoring).
- A Segment is a rule set staff define; its members are computed live and only ever include contacts who may be
  marketed to for the segment's purpose.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField
from orders.models import Province


class Contact(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        PROSPECT = "prospect", _("Prospect")
        SUPPLIER = "supplier", _("Supplier")
        PARTNER = "partner", _("Partner")
        INVESTOR = "investor", _("Investor")
        EMPLOYEE = "employee", _("Employee")

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        OTHER = "other", _("Another gender")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CUSTOMER, db_index=True)
    is_company = models.BooleanField(_("company"), default=False)
    name = models.CharField(_("name"), max_length=200)
    company = models.ForeignKey("self", verbose_name=_("works for"), null=True, blank=True,
                                related_name="people", on_delete=models.SET_NULL,
                                limit_choices_to={"is_company": True})
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
                                related_name="contact", on_delete=models.SET_NULL)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The address of the customer's latest order (crm.services.contacts), unless they chose their province.
    city = models.CharField(_("city"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)
    province_chosen = models.BooleanField(
        _("province chosen by the customer"), default=False,
        help_text=_("Set when the customer gives their province in their profile: an order delivered to another "
                    "province then leaves the address alone. Otherwise each order updates it."))
    language = models.CharField(_("language"), max_length=8, default="en")
    # Optional profile data, kept only with the contact's "profiling" consent (R8, M1).
    birth_year = models.PositiveIntegerField(_("birth year"), null=True, blank=True,
                                             validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    interests = models.ManyToManyField("catalog.Category", verbose_name=_("interests"), blank=True,
                                       related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["email"], condition=~Q(email="") & Q(kind="customer"),
                                    name="contact_one_customer_per_email"),
        ]
        indexes = [
            # An order's customer by its email in any letter case, as the scores match them: the customers
            # dashboard looks up one contact per (account, email) of the orders (crm.selectors_dashboard).
            models.Index(Lower("email"), name="contact_customer_email_lower", condition=Q(kind="customer")),
        ]

    def __str__(self):
        return self.name or self.email or f"#{self.pk}"


class Interaction(models.Model):
    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        VISIT = "visit", _("Visit")
        NOTE = "note", _("Note")
        EMAIL = "email", _("Email")
        QUESTION = "question", _("Question")
        MEETING = "meeting", _("Meeting")

    contact = models.ForeignKey(Contact, verbose_name=_("contact"), related_name="interactions",
                                on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NOTE)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    is_open = models.BooleanField(_("needs an answer"), default=False,
                                  help_text=_("A question or problem still waiting for us."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("logged by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-pk"]
        # The questions still waiting for us, counted on the customers dashboard: a few rows of a long history.
        indexes = [models.Index(fields=["occurred_at"], name="interaction_open", condition=Q(is_open=True))]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"


class ConsentEvent(models.Model):
    """One give or withdraw of consent for one purpose: the proof CASL and PIPEDA ask for. Never edited."""

    class Purpose(models.TextChoices):
        NEWSLETTER = "newsletter", _("Newsletter")
        PROMOTIONS = "promotions", _("Promotions and offers")
        PROFILING = "profiling", _("Personalised offers from my profile and purchases")

    class Action(models.TextChoices):
        GIVE = "give", _("Given")
        WITHDRAW = "withdraw", _("Withdrawn")

    class Basis(models.TextChoices):
        EXPRESS = "express", _("Express consent")
        IMPLIED_PURCHASE = "implied_purchase", _("Implied: purchase (2 years)")
        IMPLIED_INQUIRY = "implied_inquiry", _("Implied: inquiry (6 months)")

    contact = models.ForeignKey(Contact, verbose_name=_("contact"), related_name="consent_events",
                                on_delete=models.CASCADE)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices, blank=True)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    lapses_on = models.DateField(_("lapses on"), null=True, blank=True,
                                 help_text=_("For implied consent: the day it no longer counts."))
    source = models.CharField(_("how"), max_length=100,
                              help_text=_("Where it was given or withdrawn: account page, checkout, unsubscribe "
                                          "link, order C-10001, staff…"))
    wording = models.TextField(_("wording shown"), blank=True)
    wording_version = models.CharField(_("wording version"), max_length=20, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, related_name="+", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent log")
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["contact", "purpose", "occurred_at"], name="consent_by_purpose")]
        constraints = [
            models.CheckConstraint(condition=Q(action="withdraw") | ~Q(basis=""), name="consent_give_has_basis"),
        ]

    def __str__(self):
        return f"{self.contact_id} {self.purpose} {self.action}"


class CustomerScore(models.Model):
    """The nightly scores of a customer contact: RFM (1 = worst … 5 = best), tier, churn flag."""

    class Tier(models.TextChoices):
        TOP = "top", _("Top customers")
        REGULAR = "regular", _("Regular")
        OCCASIONAL = "occasional", _("Occasional")

    contact = models.OneToOneField(Contact, verbose_name=_("contact"), related_name="score",
                                   on_delete=models.CASCADE)
    recency = models.PositiveSmallIntegerField(_("recency (1-5)"))
    frequency = models.PositiveSmallIntegerField(_("frequency (1-5)"))
    monetary = models.PositiveSmallIntegerField(_("monetary (1-5)"))
    orders = models.PositiveIntegerField(_("orders"))
    revenue = MoneyField(_("revenue (CAD)"))
    last_order_on = models.DateField(_("last order"))
    usual_interval_days = models.PositiveIntegerField(_("usual days between orders"), null=True, blank=True)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, db_index=True)
    churn_risk = models.BooleanField(_("about to be lost"), default=False, db_index=True)
    churn_reason = models.CharField(_("why"), max_length=255, blank=True)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("customer score")
        verbose_name_plural = _("customer scores")

    def __str__(self):
        return f"{self.contact} {self.recency}{self.frequency}{self.monetary}"

    @property
    def rfm(self) -> str:
        return f"{self.recency}{self.frequency}{self.monetary}"


class Segment(models.Model):
    """Who a newsletter or promotion targets: every rule set here must hold (empty rules are ignored). Members are
    computed live, and only contacts whose consent for the segment's purpose counts on that day are ever in it."""

    name = models.CharField(_("name"), max_length=120)
    purpose = models.CharField(_("for"), max_length=20, choices=ConsentEvent.Purpose.choices,
                               default=ConsentEvent.Purpose.PROMOTIONS,
                               help_text=_("Only contacts who consent to this are counted."))
    provinces = models.CharField(_("provinces"), max_length=100, blank=True,
                                 help_text=_("Codes separated by commas, e.g. AB, BC."))
    tiers = models.CharField(_("tiers"), max_length=60, blank=True,
                             help_text=_("top, regular, occasional — separated by commas."))
    gender = models.CharField(_("gender"), max_length=10, choices=Contact.Gender.choices, blank=True)
    born_from = models.PositiveIntegerField(_("born in or after"), null=True, blank=True)
    born_until = models.PositiveIntegerField(_("born in or before"), null=True, blank=True)
    interested_in = models.ForeignKey("catalog.Category", verbose_name=_("interested in"), null=True, blank=True,
                                      related_name="+", on_delete=models.SET_NULL)
    bought_in = models.ForeignKey("catalog.Category", verbose_name=_("bought in category"), null=True, blank=True,
                                  related_name="+", on_delete=models.SET_NULL)
    last_order_before = models.DateField(_("last order before"), null=True, blank=True)
    last_order_after = models.DateField(_("last order after"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Perk(models.Model):
    """What a tier of customers gets, as staff word it; shown to those customers when they are signed in."""

    tier = models.CharField(_("tier"), max_length=20, choices=CustomerScore.Tier.choices,
                            default=CustomerScore.Tier.TOP)
    text = models.CharField(_("perk"), max_length=200,
                            help_text=_("e.g. Free Xpresspost on every order: we upgrade it for you."))
    text_fr = models.CharField(_("perk (French)"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("perk")
        verbose_name_plural = _("perks")
        ordering = ["tier", "pk"]

    def __str__(self):
        return self.text

    def label(self, language: str) -> str:
        return self.text_fr if language.startswith("fr") and self.text_fr else self.text
