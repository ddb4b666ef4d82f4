"""Validation of what customers write: a review, a question, an answer."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def rating_choices():
    """5 stars first; labelled in the language of the request (a callable, so it is not fixed at import)."""
    return [(n, ngettext("%(n)d star", "%(n)d stars", n) % {"n": n}) for n in range(5, 0, -1)]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"), choices=rating_choices, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5 stars."),
                        "invalid_choice": _("Choose a rating from 1 to 5 stars.")},
    )
    title = forms.CharField(label=_("Title"), max_length=120, help_text=_("Your review in a few words."))
    body = forms.CharField(label=_("Your review"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("What did you like or not? Reviews are read by our staff before they "
                                       "appear."))


class QuestionForm(forms.Form):
    """A signed-in customer only writes the question; a visitor also says who they are and where to answer."""

    text = forms.CharField(label=_("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    name = forms.CharField(label=_("Your name"), max_length=120, help_text=_("Shown with your question."))
    email = forms.EmailField(label=_("Email"), help_text=_("We email you the answer; it is never shown."))

    def __init__(self, *args, signed_in: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_in:
            del self.fields["name"]
            del self.fields["email"]


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
