"""Every write of the help app: questions asked, answered and published into the FAQ, searches that found
nothing. Each service owns its transaction; emails go through the outbox inside it."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from crm.models import ConsentEvent, Interaction
from crm.services.consent import consent_imply
from crm.services.contacts import contact_for_email
from outbox.services import email_queue_rendered

from .models import CustomerQuestion, FaqEntry, SearchMiss, Topic, normalise_question

Status = CustomerQuestion.Status
OTHER_TOPIC_SLUG = "other-questions"


class QuestionError(Exception):
    """A question cannot take this step; the message says why, for staff."""


def site_language(language: str | None) -> str:
    """"fr" for any French variant, else "en"."""
    return "fr" if (language or "").lower().startswith("fr") else "en"


def search_miss_record(*, query: str, language: str) -> SearchMiss | None:
    """Count one FAQ search that found nothing (nothing for an empty query). The counter moves with an UPDATE ...
    count + 1, and the unique (query, language) constraint decides which of two first searches creates the row,
    so concurrent searches never lose a count. A miss of a resolved text comes back into the inbox."""
    text = normalise_question(query)
    if not text:
        return None
    language = site_language(language)
    now = timezone.now()
    misses = SearchMiss.objects.filter(query=text, language=language)
    if not misses.update(count=F("count") + 1, last_seen=now, resolved_at=None):
        try:
            with transaction.atomic():
                return SearchMiss.objects.create(query=text, language=language, count=1, first_seen=now,
                                                 last_seen=now)
        except IntegrityError:
            misses.update(count=F("count") + 1, last_seen=now, resolved_at=None)
    return misses.get()


def question_ask(*, name: str, email: str, question: str, language: str,
                 source: str = CustomerQuestion.Source.FAQ, subject: str = "", user=None) -> CustomerQuestion:
    """Record a visitor's question (ask form or contact form) and open a QUESTION interaction on the asker's CRM
    contact (found or created by email), and the implied consent of an inquiry (six months, CASL) that the privacy
    statement describes. Nothing is sent: staff answer from the inbox."""
    language = site_language(language)
    now = timezone.now()
    with transaction.atomic():
        contact = contact_for_email(email=email, name=name, user=user, language=language)
        interaction = Interaction.objects.create(
            contact=contact, kind=Interaction.Kind.QUESTION, occurred_at=now, is_open=True,
            subject=Truncator(subject or " ".join(question.split())).chars(200),
            body=question,
        )
        asked = CustomerQuestion.objects.create(
            name=name, email=email.strip(), subject=subject, question=question, language=language, source=source,
            contact=contact, interaction=interaction, created_at=now,
        )
        consent_imply(contact=contact, basis=ConsentEvent.Basis.IMPLIED_INQUIRY, occurred_at=now,
                      source=f"question #{asked.pk}")
    return asked


def question_answer(*, question: CustomerQuestion, answer: str, user) -> bool:
    """Keep the answer and email it to the asker in their language; True if an email was queued. Sending the
    same answer again queues nothing; a changed answer is emailed again. The question's CRM interaction is closed
    and the email is logged on the contact's timeline. `question` is refreshed from the database."""
    answer = answer.strip()
    if not answer:
        raise QuestionError(_("Write an answer before sending it."))
    with transaction.atomic():
        locked = CustomerQuestion.objects.select_for_update().get(pk=question.pk)
        if locked.status == Status.CLOSED:
            raise QuestionError(_("This question is closed; its answer is not sent."))
        emailed = answer != locked.emailed_answer
        locked.answer = answer
        if emailed:
            now = timezone.now()
            locked.emailed_answer = answer
            locked.answered_at = now
            locked.answered_by = user
            if locked.status == Status.NEW:
                locked.status = Status.ANSWERED
            email_queue_rendered(
                to=locked.email, template="emails/help/answer", language=locked.language,
                reference=f"question-{locked.pk}",
                context={"name": locked.name, "question": locked.question, "answer": answer,
                         "language": locked.language},
            )
            _interactions_close(question=locked, answer=answer, user=user, now=now)
        locked.save(update_fields=["answer", "emailed_answer", "answered_at", "answered_by", "status"])
    question.refresh_from_db()
    return emailed


def _interactions_close(*, question: CustomerQuestion, answer: str, user, now) -> None:
    if question.interaction_id:
        Interaction.objects.filter(pk=question.interaction_id).update(is_open=False)
    if question.contact_id:
        Interaction.objects.create(
            contact_id=question.contact_id, kind=Interaction.Kind.EMAIL, occurred_at=now, created_by=user,
            subject=Truncator(_("Answer: %(question)s") % {"question": " ".join(question.question.split())}).chars(200),
            body=answer,
        )


def topic_other_questions() -> Topic:
    """The topic of answers published without one (created the first time)."""
    topic, _created = Topic.objects.get_or_create(
        slug=OTHER_TOPIC_SLUG, defaults={"name_en": "Other questions", "name_fr": "Autres questions",
                                         "position": 1000},
    )
    return topic


def question_publish(*, question: CustomerQuestion, topic: Topic | None = None, user) -> FaqEntry:
    """Copy an answered question and its answer into a published FAQ entry, in the asker's language fields (in
    "Other questions" when no topic is chosen), and resolve the FAQ searches that missed the same text."""
    with transaction.atomic():
        locked = CustomerQuestion.objects.select_for_update().get(pk=question.pk)
        if locked.status == Status.PUBLISHED:
            raise QuestionError(_("This question is already in the FAQ."))
        if locked.status != Status.ANSWERED:
            raise QuestionError(_("Send an answer before publishing the question in the FAQ."))
        topic = topic or topic_other_questions()
        language = site_language(locked.language)
        entry = FaqEntry.objects.create(
            topic=topic, is_published=True,
            **{f"question_{language}": Truncator(" ".join(locked.question.split())).chars(300),
               f"answer_{language}": locked.answer},
        )
        locked.faq_entry = entry
        locked.status = Status.PUBLISHED
        locked.save(update_fields=["faq_entry", "status"])
        SearchMiss.objects.filter(query=locked.normalised, resolved_at__isnull=True).update(resolved_at=timezone.now())
    question.refresh_from_db()
    return entry
