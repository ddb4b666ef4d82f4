"""Validation only: the ask form, the contact form, and the staff's answer form in the admin."""

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _

from .models import CustomerQuestion, Topic

QUESTION_MAX = 2000
MESSAGE_MAX = 5000


class BootstrapForm(forms.Form):
    """Bootstrap's classes on the visible widgets (the template adds labels, help and errors)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("class", "form-control")


class HoneypotMixin(BootstrapForm):
    """A field people never see (hidden visually and from screen readers, out of the tab order) that spam bots
    fill in; a form with it filled is dropped without a word."""

    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix("website"), "").strip())


class AskForm(HoneypotMixin):
    name = forms.CharField(label=_("Your name"), max_length=120,
                           error_messages={"required": _("Please tell us your name.")})
    email = forms.EmailField(label=_("Your email"), max_length=254,
                             help_text=_("We email the answer to this address."),
                             error_messages={"required": _("Please give an email address for the answer.")})
    question = forms.CharField(label=_("Your question"), max_length=QUESTION_MAX,
                               widget=forms.Textarea(attrs={"rows": 5}),
                               error_messages={"required": _("Please write your question.")})
    from_search = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_question(self):
        return self.cleaned_data["question"].strip()


class ContactForm(HoneypotMixin):
    name = forms.CharField(label=_("Your name"), max_length=120,
                           error_messages={"required": _("Please tell us your name.")})
    email = forms.EmailField(label=_("Your email"), max_length=254,
                             error_messages={"required": _("Please give an email address for our reply.")})
    subject = forms.CharField(label=_("Subject"), max_length=200,
                              error_messages={"required": _("Please give your message a subject.")})
    message = forms.CharField(label=_("Message"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 6}),
                              error_messages={"required": _("Please write your message.")})


class QuestionAdminForm(forms.ModelForm):
    """The staff's change form: the answer, and the FAQ topic to publish into. The buttons "Send answer"
    (_send_answer) and "Publish into the FAQ" (_publish) are checked here so a refusal shows on the form."""

    publish_topic = forms.ModelChoiceField(
        Topic.objects.all(), required=False, label=_("FAQ topic to publish into"),
        empty_label=_("Other questions"), help_text=_("Used by “Publish into the FAQ”."),
    )

    class Meta:
        model = CustomerQuestion
        fields = ["answer"]

    def clean(self):
        cleaned = super().clean()
        answer = (cleaned.get("answer") or "").strip()
        if "_send_answer" in self.data and not answer:
            self.add_error("answer", _("Write an answer before sending it."))
        if "_publish" in self.data:
            if self.instance.status == CustomerQuestion.Status.PUBLISHED:
                self.add_error(None, _("This question is already in the FAQ."))
            elif self.instance.status != CustomerQuestion.Status.ANSWERED:
                self.add_error(None, _("Send an answer before publishing the question in the FAQ."))
            elif answer != self.instance.emailed_answer:
                self.add_error("answer", _("The answer changed since it was sent: send it before publishing."))
        return cleaned


class PublishActionForm(ActionForm):
    topic = forms.ModelChoiceField(Topic.objects.all(), required=False, label=_("FAQ topic"),
                                   empty_label=_("Other questions"))
