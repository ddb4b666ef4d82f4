from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Category

from .models import ConsentEvent, Contact
from .services.consent import WORDING


class ConsentForm(forms.Form):
    """One box per purpose, labelled with its exact wording; ticked only where express consent counts."""

    def __init__(self, *args, ticked: set[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        for purpose, label in ConsentEvent.Purpose.choices:
            self.fields[purpose] = forms.BooleanField(required=False, initial=purpose in ticked, label=label,
                                                      help_text=WORDING[purpose])


class ProfileForm(forms.ModelForm):
    interests = forms.ModelMultipleChoiceField(
        label=_("Interests"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=Category.objects.filter(is_active=True),
    )

    class Meta:
        model = Contact
        fields = ["birth_year", "gender", "province", "interests"]
        help_texts = {"province": _("Where you live. An order delivered to another province will not change it.")}


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: my account is closed and my personal data is erased. This cannot be undone."),
    )
