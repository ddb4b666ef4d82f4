"""The privacy statement, the customer's privacy page (consents, profile, export, erasure) and the unsubscribe link."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .forms import ConsentForm, EraseForm, ProfileForm
from .models import ConsentEvent, Contact
from .selectors import account_orders as account_orders_for
from .services import consent as consent_services
from .services.contacts import contact_for_email
from .services.privacy import PRIVACY_VERSION, contact_erase, personal_data_for

Purpose = ConsentEvent.Purpose
Basis = ConsentEvent.Basis
ACCOUNT_SOURCE = "account page"
UNSUBSCRIBE_SOURCE = "unsubscribe link"


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _contact_of(user) -> Contact:
    """The signed-in customer's contact: the one linked to the account, else the customer contact of its email."""
    contact = Contact.objects.filter(user=user).first()
    if contact is None and user.email:
        contact = contact_for_email(email=user.email, name=user.get_full_name(), user=user)
        if contact.user_id != user.pk:  # that email's contact belongs to another account
            raise PermissionDenied
    if contact is None:
        contact = Contact.objects.create(kind=Contact.Kind.CUSTOMER, name=user.get_username(), user=user)
    return contact


@login_required
def account_orders(request):
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    if number > 100_000:  # beyond any customer's history (and the database's OFFSET)
        raise Http404
    page = account_orders_for(user=request.user, page=number)
    if not page.orders and number > 1:
        raise Http404
    return render(request, "crm/account_orders.html", {"orders": page.orders, "page_obj": page})


def privacy(request):
    return render(request, "crm/privacy.html", {
        "privacy_version": PRIVACY_VERSION, "privacy_email": settings.DEFAULT_FROM_EMAIL,
        "implied_purchase_years": 2, "implied_inquiry_months": 6,
    })


@login_required
def account_privacy(request):
    contact = _contact_of(request.user)
    today = timezone.localdate()
    states = consent_services.consent_states(contact=contact, on=today)
    ticked = {p for p, state in states.items() if state.counts and state.basis == Basis.EXPRESS}
    consent_form = ConsentForm(ticked=ticked)
    profiling = states[Purpose.PROFILING].counts
    profile_form = ProfileForm(instance=contact) if profiling else None

    if request.method == "POST":
        withdraw = request.POST.get("withdraw")
        if withdraw in Purpose.values or withdraw == "all":
            consent_services.consent_withdraw(contact=contact, purpose=None if withdraw == "all" else withdraw,
                                              source=ACCOUNT_SOURCE, ip=_client_ip(request), user=request.user)
            messages.success(request, _("Your choice is saved. It takes effect immediately."))
            return redirect("crm:account_privacy")
        if request.POST.get("action") == "consent":
            consent_form = ConsentForm(request.POST, ticked=ticked)
            if consent_form.is_valid():
                _consents_save(request, contact=contact, ticked=ticked, chosen=consent_form.cleaned_data)
                messages.success(request, _("Your choices are saved."))
                return redirect("crm:account_privacy")
        elif request.POST.get("action") == "profile" and profiling:
            profile_form = ProfileForm(request.POST, instance=contact)
            if profile_form.is_valid():
                data = profile_form.cleaned_data
                consent_services.contact_profile_update(
                    contact=contact, birth_year=data["birth_year"], gender=data["gender"],
                    province=data["province"], interests=data["interests"])
                messages.success(request, _("Your profile is saved."))
                return redirect("crm:account_privacy")

    labels = dict(Purpose.choices)
    implied = [{"purpose": labels[p], "code": p, "state": s, "basis": Basis(s.basis).label} for p, s in states.items()
               if s.counts and s.basis != Basis.EXPRESS]
    return render(request, "crm/account_privacy.html", {
        "contact": contact, "consent_form": consent_form, "profile_form": profile_form, "implied": implied,
        "log": consent_services.consent_log(contact=contact), "wording_version": consent_services.WORDING_VERSION,
    })


def _consents_save(request, *, contact, ticked: set[str], chosen: dict) -> None:
    """Record a give or a withdraw only where the box changed."""
    for purpose in Purpose.values:
        if chosen[purpose] and purpose not in ticked:
            consent_services.consent_give(
                contact=contact, purpose=purpose, source=ACCOUNT_SOURCE,
                wording=str(consent_services.WORDING[purpose]),
                wording_version=consent_services.WORDING_VERSION, ip=_client_ip(request), user=request.user)
        elif purpose in ticked and not chosen[purpose]:
            consent_services.consent_withdraw(contact=contact, purpose=purpose, source=ACCOUNT_SOURCE,
                                              ip=_client_ip(request), user=request.user)


@never_cache
@login_required
def account_privacy_export(request):
    data = personal_data_for(user=request.user, contact=_contact_of(request.user))
    response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y-%m-%d}.json"'
    return response


@login_required
def account_privacy_erase(request):
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact_erase(contact=_contact_of(request.user), user=request.user)
        logout(request)
        messages.success(request, _("Your personal data is erased and your account is closed."))
        return redirect("catalog:home")
    return render(request, "crm/account_privacy_erase.html", {"form": form})


def unsubscribe(request, token):
    contact = consent_services.contact_for_unsubscribe_token(token)
    if contact is None:
        return render(request, "crm/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        consent_services.consent_withdraw(contact=contact, purpose=None, source=UNSUBSCRIBE_SOURCE,
                                          ip=_client_ip(request))
        return render(request, "crm/unsubscribe_done.html")
    return render(request, "crm/unsubscribe.html")
