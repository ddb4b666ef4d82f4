"""The footer sign-up (double opt-in), its confirmation link, and the newsletter's one-click unsubscribe."""

from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from crm.services.consent import WORDING_VERSION, consent_withdraw

from .forms import SignUpForm
from .services.rendering import unsubscribe_read
from .services.signup import signup_confirm, signup_for_token, signup_request, signup_wording

UNSUBSCRIBE_SOURCE = "newsletter unsubscribe link"
SIGNUPS_PER_IP_PER_HOUR = 10


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _throttled(request) -> bool:
    """More than SIGNUPS_PER_IP_PER_HOUR sign-ups from one address in the hour."""
    key = f"newsletters:signups:{_client_ip(request)}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) > SIGNUPS_PER_IP_PER_HOUR
    except ValueError:  # the key expired between add and incr
        return False


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request):
    """GET: the form on a page of its own (the footer's, with errors). POST: ask, then say the same thing whether
    the address is known or not."""
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _throttled(request):
            return render(request, "newsletters/signup.html",
                          {"form": form, "wording": signup_wording(get_language()), "throttled": True}, status=429)
        signup_request(email=form.cleaned_data["email"], language=get_language(), ip=_client_ip(request))
        return redirect("newsletters:signup_sent")
    return render(request, "newsletters/signup.html", {"form": form, "wording": signup_wording(get_language())},
                  status=400 if request.method == "POST" else 200)


def signup_sent(request):
    return render(request, "newsletters/signup_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows the wording and a button (a mail scanner opening the link confirms nothing); POST records it."""
    signup = signup_for_token(token)
    if signup is None:
        return render(request, "newsletters/confirm.html", {"invalid": True}, status=404)
    if request.method == "POST" or signup.confirmed_at is not None:
        signup_confirm(signup=signup, ip=_client_ip(request))
        return render(request, "newsletters/confirm.html", {"done": True, "email": signup.email})
    return render(request, "newsletters/confirm.html", {
        "email": signup.email, "wording": signup_wording(signup.language), "wording_version": WORDING_VERSION})


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" here with no token and no session
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a page with one button (link scanners open links); POST (that button, or a mail client's one-click
    request): the consent for this newsletter's purpose is withdrawn at once and logged."""
    found = unsubscribe_read(token)
    if found is None:
        return render(request, "newsletters/unsubscribe.html", {"invalid": True}, status=404)
    contact, purpose = found
    if request.method == "POST":
        consent_withdraw(contact=contact, purpose=purpose, source=UNSUBSCRIBE_SOURCE, ip=_client_ip(request))
        return render(request, "newsletters/unsubscribe.html", {"done": True})
    return render(request, "newsletters/unsubscribe.html", {})
