"""The FAQ with its search, the ask form and the contact page. Each view parses, calls a selector or a service,
and renders or redirects."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import conf
from .forms import QUESTION_MAX, AskForm, ContactForm
from .models import CustomerQuestion
from .selectors import QUERY_MAX, faq_search, faq_topics, stores_for_contact
from .services import question_ask, search_miss_record, site_language


def _ask_url(query: str) -> str:
    return f"{reverse('help:ask')}?{urlencode({'q': query})}" if query else reverse("help:ask")


def faq(request):
    """All topics; with ?q= the matching entries, best first, or — nothing found, and the miss counted — an
    invitation to ask the question."""
    language = site_language(get_language())
    query = request.GET.get("q", "")[:QUERY_MAX].replace("\x00", "").strip()
    context = {"faq_query": query}
    if query:
        hits = faq_search(query=query, language=language)
        if not hits:
            search_miss_record(query=query, language=language)
        context.update(hits=hits, ask_url=_ask_url(query))
    else:
        context.update(topics=faq_topics(language=language), ask_url=_ask_url(""))
    return render(request, "help/faq.html", context)


def _signed_in_initial(user) -> dict:
    if not user.is_authenticated:
        return {}
    contact = getattr(user, "contact", None)
    return {"name": user.get_full_name() or (contact.name if contact else ""), "email": user.email}


def ask(request):
    """Ask a question, day or night: it is recorded for staff to answer by email. ?q= pre-fills the question (the
    FAQ and the product search link here with what was searched)."""
    if request.method == "POST":
        form = AskForm(request.POST)
        if form.is_spam():
            return redirect("help:ask_thanks")
        if form.is_valid():
            data = form.cleaned_data
            question_ask(
                name=data["name"], email=data["email"], question=data["question"], language=get_language(),
                source=CustomerQuestion.Source.SEARCH if data["from_search"] else CustomerQuestion.Source.FAQ,
                user=request.user,
            )
            return redirect("help:ask_thanks")
    else:
        query = request.GET.get("q", "")[:QUESTION_MAX].replace("\x00", "").strip()
        form = AskForm(initial={**_signed_in_initial(request.user), "question": query, "from_search": bool(query)})
    return render(request, "help/ask.html", {"form": form})


def ask_thanks(request):
    return render(request, "help/ask_thanks.html")


def contact(request):
    """The shop's email and phone, the message form (it reaches the same inbox as questions) and the stores."""
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_spam():
            messages.success(request, _("Thank you: your message is received. We reply by email."))
            return redirect("help:contact")
        if form.is_valid():
            data = form.cleaned_data
            question_ask(name=data["name"], email=data["email"], subject=data["subject"], question=data["message"],
                         language=get_language(), source=CustomerQuestion.Source.CONTACT, user=request.user)
            messages.success(request, _("Thank you: your message is received. We reply by email."))
            return redirect("help:contact")
    else:
        form = ContactForm(initial=_signed_in_initial(request.user))
    return render(request, "help/contact.html", {
        "form": form, "stores": stores_for_contact(),
        "contact_email": conf.contact_email(), "contact_phone": conf.contact_phone(),
    })
