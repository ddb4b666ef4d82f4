"""Every email of the customer account (sign-up verification, password reset, a new address to confirm, security
notices) goes through the outbox: with the mail server down the page still answers normally, and once the server
is back the beat sweep delivers the email exactly once, its link working. The emails are the shop's own, in the
language of the request, and greet the customer by the name the sign-up page asked for."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db.models import F
from django.urls import reverse

from crm.models import Contact
from outbox.models import OutboxEmail
from outbox.tasks import outbox_sweep
from outbox.tests.conftest import smtp_mailers

PASSWORD = "kettle-and-mug-42"
NEW_PASSWORD = "a-new-kettle-2026"
REFUSED = "ConnectionRefusedError: [Errno 111] Connection refused"
SHOP = "http://127.0.0.1:8000"  # SHOP_BASE_URL in the tests: every link in an email starts with it

pytestmark = pytest.mark.django_db


def nadia_signs_up(client, prefix: str = "", **fields):
    return client.post(f"{prefix}/accounts/signup/", {
        "first_name": "Nadia", "last_name": "Haddad", "email": "nadia@example.com",
        "password1": PASSWORD, "password2": PASSWORD, **fields})


def minutes_pass(minutes: int = 2) -> None:
    """The clock moves on: every outbox row was written, and last tried, `minutes` earlier."""
    OutboxEmail.objects.update(created_at=F("created_at") - timedelta(minutes=minutes),
                               next_attempt_at=F("next_attempt_at") - timedelta(minutes=minutes))


def mail_server_back_and_sweep(settings, inbox) -> list:
    """The mail server answers again; beat runs the outbox sweep a minute later, and again the minute after.
    Returns what the server received."""
    settings.MAILERS = smtp_mailers(port=inbox.port)
    minutes_pass()
    assert outbox_sweep.delay().get() >= 1
    minutes_pass()
    assert outbox_sweep.delay().get() == 0
    return inbox.messages


def text_of(message) -> str:
    """The plain-text part as written (SMTP carries CRLF line ends)."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_of(message) -> str:
    return message.get_body(("html",)).get_content().replace("\r\n", "\n")


def link_in(text: str, path_pattern: str) -> str:
    """The path of the shop link in this email text that matches path_pattern (the link is absolute)."""
    match = re.search(re.escape(SHOP) + rf"({path_pattern})", text)
    assert match, text
    return match.group(1)


def pending(to: str) -> OutboxEmail:
    email = OutboxEmail.objects.get(to=to)
    assert (email.status, email.attempts, email.last_error, email.sent_at) == ("pending", 1, REFUSED, None)
    return email


# Sign-up


def test_the_signup_page_asks_for_the_customers_name(client):
    html = client.get(reverse("account_signup")).content.decode()

    assert re.findall(r'<label class="form-label" for="id_(\w+)">', html) == [
        "first_name", "last_name", "email", "password1", "password2"]
    assert 'autocomplete="given-name"' in html and 'autocomplete="family-name"' in html
    assert '<h1 class="h3">Create your account</h1>' in html
    assert '<button type="submit" class="btn btn-primary">Create my account</button>' in html


def test_a_sign_up_without_a_first_name_is_refused_with_a_clear_message(client, django_user_model):
    response = nadia_signs_up(client, first_name="  ")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the fields below." in html
    assert '<div class="invalid-feedback d-block" id="id_first_name_error">This field is required.</div>' in html
    assert not django_user_model.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_with_the_mail_server_down_sign_up_answers_normally_and_the_verification_goes_out_once_it_is_back(
    client, smtp_down, inbox, settings, django_capture_on_commit_callbacks, django_user_model
):
    with django_capture_on_commit_callbacks(execute=True):
        response = nadia_signs_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    email = pending("nadia@example.com")
    assert (email.subject, email.language, email.reference) == (
        "comptoir: confirm your email address", "en", "account:email_confirmation_signup")
    assert inbox.messages == []

    [(recipients, message)] = mail_server_back_and_sweep(settings, inbox)

    assert recipients == ["nadia@example.com"]
    assert message["Subject"] == "comptoir: confirm your email address"
    assert message["Content-Language"] == "en"
    text = text_of(message)
    assert text.startswith("Hello Nadia,\n\nWelcome to comptoir! To open your account, confirm that "
                           "nadia@example.com is your email address by following this link:\n")
    link = link_in(text, r"/accounts/confirm-email/[^/\s]+/")
    assert f'<a href="{SHOP}{link}">Confirm my email address</a>' in html_of(message)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)

    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    nadia = django_user_model.objects.get(email="nadia@example.com")
    assert EmailAddress.objects.get(user=nadia).verified is True
    response = client.post(reverse("account_login"), {"login": "nadia@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("payments:statement")


def test_the_customer_is_greeted_by_the_name_given_at_sign_up(client, django_capture_on_commit_callbacks, mailoutbox,
                                                              django_user_model):
    with django_capture_on_commit_callbacks(execute=True):
        nadia_signs_up(client)
    [message] = mailoutbox
    client.post(link_in(message.body, r"/accounts/confirm-email/[^/\s]+/"))

    nadia = django_user_model.objects.get(email="nadia@example.com")
    assert (nadia.first_name, nadia.last_name) == ("Nadia", "Haddad")
    assert Contact.objects.get(kind=Contact.Kind.CUSTOMER, email="nadia@example.com").name == "Nadia Haddad"

    client.post(reverse("account_login"), {"login": "nadia@example.com", "password": PASSWORD})
    html = client.get(reverse("payments:statement")).content.decode()
    assert '<span class="small">Hello, Nadia</span>' in html
    assert "Signed in as Nadia Haddad." in html
    assert "Hello, nadia<" not in html


def test_a_sign_up_on_the_french_site_gets_the_french_email_with_french_links(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = nadia_signs_up(client, prefix="/fr")

    assert response["Location"] == "/fr/accounts/confirm-email/"
    [message] = mailoutbox
    assert message.subject == "comptoir : confirmez votre adresse courriel"
    assert message.extra_headers["Content-Language"] == "fr"
    assert message.body.startswith(
        "Bonjour Nadia,\n\nBienvenue chez comptoir ! Pour ouvrir votre compte, confirmez que nadia@example.com est "
        "bien votre adresse courriel en suivant ce lien :\n")
    link = link_in(message.body, r"/fr/accounts/confirm-email/[^/\s]+/")
    assert OutboxEmail.objects.get().language == "fr"

    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(email="nadia@example.com").verified is True
    # her customer contact speaks French, so the shop's later emails to her (newsletters, notices) will too
    assert Contact.objects.get(kind=Contact.Kind.CUSTOMER, email="nadia@example.com").language == "fr"


def test_signing_up_again_with_an_address_that_has_an_account_emails_its_owner_through_the_outbox(
    client, ana, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = nadia_signs_up(client, email="ana@example.com")

    assert response.status_code == 302  # the page does not tell a stranger that the address has an account
    [message] = mailoutbox
    assert (message.to, message.subject) == (["ana@example.com"], "comptoir: you already have an account")
    assert f"Sign in: {SHOP}/accounts/login/\nForgot your password? Choose a new one: {SHOP}/accounts/password/reset/" \
        in message.body
    assert OutboxEmail.objects.get().status == "sent"


# Password reset


def test_with_the_mail_server_down_a_password_reset_answers_normally_and_the_link_works_once_it_is_back(
    client, ana, smtp_down, inbox, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "ana@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert pending("ana@example.com").subject == "comptoir: choose a new password"

    [(recipients, message)] = mail_server_back_and_sweep(settings, inbox)

    assert (recipients, message["Subject"]) == (["ana@example.com"], "comptoir: choose a new password")
    text = text_of(message)
    assert text.startswith("Hello Ana,\n\nSomeone, probably you, asked to reset the password of your comptoir "
                           "account. Choose a new password by following this link:\n")
    link = link_in(text, r"/accounts/password/reset/key/[^/\s]+/")
    form = client.get(link, follow=True)
    assert form.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302

    assert client.post(reverse("account_login"), {"login": "ana@example.com",
                                                  "password": NEW_PASSWORD}).status_code == 302
    # The security notice went out at once (the server is up) and the reset email was not sent again.
    assert [m["Subject"] for _, m in inbox.messages] == [
        "comptoir: choose a new password", "comptoir: your password was reset"]
    assert text_of(inbox.messages[1][1]).startswith(
        "Hello Ana,\n\nThe password of your comptoir account was reset through the link we emailed.\n\nWhen: ")


def test_a_reset_for_an_unknown_address_says_there_is_no_account_and_links_to_sign_up(
    client, db, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/fr/accounts/password/reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == ["nobody@example.com"]
    assert message.subject == "comptoir : aucun compte avec cette adresse courriel"
    assert f"{SHOP}/fr/accounts/signup/" in message.body
    assert message.body.startswith("Bonjour,\n\n")


# Email addresses and password


def test_with_the_mail_server_down_adding_an_address_answers_normally_and_its_confirmation_goes_out_once_back(
    client, ana, smtp_down, inbox, settings, django_capture_on_commit_callbacks
):
    client.force_login(ana)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert '<a href="/accounts/email/">My email address</a>' in profile
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_email"), {"email": "ana.t@example.com", "action_add": ""})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email")
    assert pending("ana.t@example.com").subject == "comptoir: confirm your email address"

    [(recipients, message)] = mail_server_back_and_sweep(settings, inbox)

    assert (recipients, message["Subject"]) == (["ana.t@example.com"], "comptoir: confirm your email address")
    text = text_of(message)
    assert text.startswith("Hello Ana,\n\nTo use ana.t@example.com with your comptoir account, confirm that this "
                           "address is yours by following this link:\n")
    assert client.post(link_in(text, r"/accounts/confirm-email/[^/\s]+/")).status_code == 302
    assert EmailAddress.objects.get(email="ana.t@example.com").verified is True

    # Making it the account's address tells the former address, through the outbox too.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"email": "ana.t@example.com", "action_primary": ""})

    ana.refresh_from_db()
    assert ana.email == "ana.t@example.com"
    recipients, notice = inbox.messages[-1]
    assert (recipients, notice["Subject"]) == (["ana@example.com"], "comptoir: your email address was changed")
    assert "The email address of your comptoir account is now ana.t@example.com instead of ana@example.com." \
        in text_of(notice)
    assert len(inbox.messages) == 2
    assert OutboxEmail.objects.filter(status="sent").count() == 2


def test_changing_the_password_sends_a_notice_in_the_shops_words(client, ana, django_capture_on_commit_callbacks,
                                                                   mailoutbox):
    client.force_login(ana)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_change_password"), {
            "oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    [message] = mailoutbox
    assert (message.to, message.subject) == (["ana@example.com"], "comptoir: your password was changed")
    assert message.body.startswith("Hello Ana,\n\nThe password of your comptoir account was changed.\n\nWhen: ")
    assert f"choose a new password at once and tell us:\n{SHOP}/accounts/password/reset/\n{SHOP}/contact/\n" \
        in message.body


def test_an_email_the_shop_has_no_template_for_still_goes_through_the_outbox(
    client, django_user_model, django_capture_on_commit_callbacks, mailoutbox
):
    """Setting a first password (an account made without one) sends allauth's own notice: queued all the same."""
    user = django_user_model.objects.create_user("zoe", "zoe@example.com", first_name="Zoé")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_set_password"), {"password1": NEW_PASSWORD,
                                                                 "password2": NEW_PASSWORD})

    assert response.status_code == 302
    email = OutboxEmail.objects.get()
    assert (email.to, email.status, email.reference) == ("zoe@example.com", "sent", "account:password_set")
    assert [m.subject for m in mailoutbox] == [email.subject]
    assert "Your password has been set." in email.text_body
