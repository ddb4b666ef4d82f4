"""Production refuses to be unsafe: no start-up without a real SECRET_KEY, `check --deploy` clean under the README's
production `.env`, and a Content-Security-Policy on every page.

The settings are read in a fresh process (`manage.py`, or the WSGI module as gunicorn imports it) with an explicit
environment, so neither this test run's settings nor a developer's `.env` decide the outcome.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
REFUSAL = ("django.core.exceptions.ImproperlyConfigured: SECRET_KEY is missing or is a development key, and DEBUG "
           "is off: anyone could forge order links and sessions.")


def environment(**values: str) -> dict[str, str]:
    """This machine's basics (PATH, HOME, locale), none of the shop's settings, plus `values`."""
    basics = {name: value for name, value in os.environ.items()
              if name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")}
    return {**basics, "DJANGO_SETTINGS_MODULE": "shop.settings", "PYTHONDONTWRITEBYTECODE": "1", **values}


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


MANAGE_CHECK = [sys.executable, "manage.py", "check"]
GUNICORN_IMPORT = [sys.executable, "-c", "import shop.wsgi"]


@pytest.mark.parametrize("secret_key", [
    "",  # set to nothing; a variable that is absent is read from .env, where `make run` may have put a real key
    settings.DEVELOPMENT_SECRET_KEY,
    "django-insecure-k3y-from-a-startproject-template-0123456789abcdef",
], ids=["empty", "the development key", "a django-insecure key"])
@pytest.mark.parametrize("command", [MANAGE_CHECK, GUNICORN_IMPORT], ids=["manage.py", "wsgi"])
def test_with_debug_off_the_shop_refuses_to_start_without_a_secret_key_of_its_own(secret_key, command):
    started = run(command, environment(DEBUG="false", SECRET_KEY=secret_key))

    assert started.returncode == 1
    assert REFUSAL in started.stderr
    assert "Set SECRET_KEY to a long random value" in started.stderr


def test_a_developer_with_debug_on_starts_on_the_development_key():
    started = run([*MANAGE_CHECK, "--fail-level", "ERROR"], environment(DEBUG="true", SECRET_KEY=""))

    assert (started.returncode, started.stderr) == (0, "")


def test_with_a_secret_key_of_its_own_the_shop_starts_with_debug_off():
    started = run(GUNICORN_IMPORT, environment(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50)))

    assert (started.returncode, started.stderr) == (0, "")


def readme_production_env() -> dict[str, str]:
    """The README's production `.env` block (the one that starts with DEBUG=false), as variables."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```sh\n(DEBUG=false\n.*?)```", readme, re.DOTALL)
    assert block, "README.md has no production .env block starting with DEBUG=false"
    variables = dict(line.split("=", 1) for line in block.group(1).splitlines() if line and not line.startswith("#"))
    assert variables["SECRET_KEY"] == "<a long random value>"
    return {**variables, "SECRET_KEY": secrets.token_urlsafe(50)}


def test_check_deploy_reports_no_issue_under_the_production_environment_of_the_readme():
    production = readme_production_env()

    checked = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  environment(**production))

    assert (checked.returncode, checked.stderr) == (0, "")
    assert checked.stdout == "System check identified no issues (0 silenced).\n"
    assert {"SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER"} <= production.keys()


def test_check_deploy_names_what_the_readme_environment_sets_when_it_is_missing():
    """The settings above really come from the environment: without them, Django's deploy checks complain."""
    production = readme_production_env()
    for name in ("SECURE_COOKIES", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
                 "SECURE_HSTS_PRELOAD"):
        del production[name]

    checked = run([sys.executable, "manage.py", "check", "--deploy"], environment(**production))

    assert sorted(set(re.findall(r"\(security\.W\d+\)", checked.stdout + checked.stderr))) == [
        "(security.W004)", "(security.W008)", "(security.W012)", "(security.W016)"]


def test_make_run_writes_a_random_secret_key_into_env_once(tmp_path):
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "ensure-secret-key.sh"
    script.write_bytes((ROOT / "scripts" / "ensure-secret-key.sh").read_bytes())
    script.chmod(0o755)
    (tmp_path / ".env").write_text("SHOP_NAME=Acme")  # a .env of the owner's, without a final newline
    env = environment()

    first = run([str(script)], env)
    written = (tmp_path / ".env").read_text()
    again = run([str(script)], env)
    from_environment = run([str(script)], {**env, "SECRET_KEY": "set-by-the-service-manager"})

    assert first.stdout == "A random SECRET_KEY for this machine was written to .env (git-ignored).\n"
    assert re.fullmatch(r"SHOP_NAME=Acme\nSECRET_KEY=[0-9a-f]{96}\n", written)
    assert (again.returncode, again.stdout, from_environment.stdout) == (0, "", "")
    assert (tmp_path / ".env").read_text() == written


def test_the_secret_key_written_by_make_run_is_not_shared_by_two_machines(tmp_path):
    keys = []
    for machine in ("a", "b"):
        (tmp_path / machine / "scripts").mkdir(parents=True)
        script = tmp_path / machine / "scripts" / "ensure-secret-key.sh"
        script.write_bytes((ROOT / "scripts" / "ensure-secret-key.sh").read_bytes())
        script.chmod(0o755)
        run([str(script)], environment())
        keys.append((tmp_path / machine / ".env").read_text())

    assert keys[0] != keys[1]


POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
          "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
          "form-action 'self' https://checkout.stripe.com")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/fr/", "/cart/", "/checkout/", "/help/", "/accounts/login/", "/nowhere/"])
def test_every_page_carries_the_content_security_policy(client, path):
    response = client.get(path)

    assert response["Content-Security-Policy"] == POLICY


@pytest.mark.django_db
def test_the_admin_inline_blocks_carry_the_nonce_that_the_policy_allows(client):
    response = client.get("/admin/login/")

    html = response.content.decode()
    nonce = re.search(r'<link rel="stylesheet" href="/static/admin/css/login.css" nonce="([^"]+)">', html).group(1)
    assert f"script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}';" in (
        response["Content-Security-Policy"])
    assert client.get("/admin/login/")["Content-Security-Policy"] != response["Content-Security-Policy"]


def test_the_policy_lets_card_payments_go_to_the_checkout_page_of_the_configured_stripe():
    show = "from django.conf import settings; print(*settings.SECURE_CSP['form-action'])"
    fake = run([sys.executable, "-c", show],
               environment(SECRET_KEY=secrets.token_urlsafe(50), STRIPE_API_BASE="http://127.0.0.1:12111/v1"))
    stripe = run([sys.executable, "-c", show], environment(SECRET_KEY=secrets.token_urlsafe(50)))

    assert (fake.stdout, stripe.stdout) == ("'self' http://127.0.0.1:12111\n", "'self' https://checkout.stripe.com\n")


INLINE = re.compile(r"""<style\b|\sstyle\s*=|<script\b(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=\s*["']|javascript:""", re.I)


def test_no_page_template_holds_inline_script_or_style_which_the_policy_would_block():
    """Emails are not pages: mail clients need their inline styles, and no Content-Security-Policy applies there."""
    templates = [path for path in (ROOT / "templates").rglob("*.html") if "emails" not in path.parts]
    offending = {str(path.relative_to(ROOT)): INLINE.findall(path.read_text()) for path in templates}

    assert {path: found for path, found in offending.items() if found} == {}
    assert len(templates) > 50
