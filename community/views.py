"""The customer's pages for writing: a review, a question, an answer. The product page itself is cached and shows
no form; it links here. Each view parses a form, calls a service and redirects or renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog.models import Product

from . import selectors, services
from .forms import AnswerForm, QuestionForm, ReviewForm
from .models import ProductQuestion


def _product(key) -> Product:
    """The product of the address, if a visitor may see it (a stale slug is fine: the key is the id)."""
    _slug, pk = key
    return get_object_or_404(Product.objects.online(), pk=pk)


def _language() -> str:
    return (get_language() or "en")[:2]


@login_required
def review_write(request, key):
    """A verified buyer writes (or rewrites) a review; anyone else is told why they cannot."""
    product = _product(key)
    verified = selectors.review_verified_buyer(user=request.user, product_id=product.pk)
    existing = selectors.review_of(user=request.user, product_id=product.pk)
    initial = {"rating": existing.rating, "title": existing.title, "body": existing.body} if existing else None
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_submit(product=product, user=request.user, language=_language(), **form.cleaned_data)
        except services.ReviewNotAllowed:
            verified = False
            messages.error(request, _("Only customers who bought this product can review it."))
        else:
            messages.success(request, _("Thank you for your review. It will appear on the product page once our "
                                        "staff have read it."))
            return redirect(product.get_absolute_url())
    return render(request, "community/review_form.html", {
        "product": product, "form": form, "verified": verified, "existing": existing,
    }, status=200 if verified or request.method == "GET" else 403)


def question_ask(request, key):
    """Anyone may ask, at any hour: a visitor with a name and email, a signed-in customer through the account."""
    product = _product(key)
    signed_in = request.user.is_authenticated
    form = QuestionForm(request.POST or None, signed_in=signed_in)
    if request.method == "POST" and form.is_valid():
        services.question_ask(product=product, text=form.cleaned_data["text"], language=_language(),
                              user=request.user, name=form.cleaned_data.get("name", ""),
                              email=form.cleaned_data.get("email", ""))
        messages.success(request, _("Thank you: your question will appear on the product page once our staff have "
                                    "read it. We will email you when it is answered."))
        return redirect(product.get_absolute_url())
    return render(request, "community/question_form.html", {"product": product, "form": form})


@login_required
def answer_write(request, key, pk):
    """A signed-in customer answers a published question; staff answers are published at once."""
    product = _product(key)
    question = get_object_or_404(ProductQuestion, pk=pk, product=product, status=ProductQuestion.Status.PUBLISHED)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answer = services.answer_post(question=question, user=request.user, text=form.cleaned_data["text"],
                                      language=_language())
        if answer.status == answer.Status.PUBLISHED:
            messages.success(request, _("Your answer is published."))
        else:
            messages.success(request, _("Thank you for helping. Your answer will appear once our staff have read "
                                        "it."))
        return redirect(product.get_absolute_url())
    return render(request, "community/answer_form.html", {"product": product, "question": question, "form": form})
