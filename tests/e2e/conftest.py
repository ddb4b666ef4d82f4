"""Browser tests run against pytest-django's live server; Playwright's pages open its address by default."""

import pytest

from tests.e2e.nu_html import NuChecker, PageWatcher


@pytest.fixture(scope="session")
def base_url(live_server):
    """page.goto("/") opens the live server; every test using a page therefore gets a transactional database."""
    return live_server.url


@pytest.fixture
def canada(db):
    """The tax rates and the standard delivery, as the migration seeds them."""
    from orders.models import DeliveryMethod, TaxRate
    from orders.rates import rates_and_delivery_seed

    rates_and_delivery_seed(TaxRate, DeliveryMethod)
    return DeliveryMethod.objects.get(code="standard")


@pytest.fixture
def mug(canada, warehouse):
    """A Stoneware Mug at $18.00, 5 at the warehouse, in a Kitchen category."""
    from decimal import Decimal

    from catalog.tests.factories import CategoryFactory, VariantFactory
    from inventory import services

    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    variant = VariantFactory(sku="MUG-1", price=Decimal("18.00"), product__name="Stoneware Mug",
                             product__category=kitchen)
    services.stock_receive(variant=variant, location=warehouse, quantity=5)
    return variant


@pytest.fixture
def staff(db):
    """A superuser who logs in at /admin/ with helpers.STAFF_PASSWORD."""
    from django.contrib.auth import get_user_model

    from tests.e2e.helpers import STAFF_PASSWORD

    return get_user_model().objects.create_superuser("manon", "manon@example.com", STAFF_PASSWORD)


@pytest.fixture
def customer(db):
    """Ana Tremblay, a customer with an account (helpers.CUSTOMER_PASSWORD)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from tests.e2e.helpers import CUSTOMER_PASSWORD

    user = get_user_model().objects.create_user("ana", "ana@example.com", CUSTOMER_PASSWORD,
                                                first_name="Ana", last_name="Tremblay")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)  # she can sign in
    return user


# Every browser journey also checks the shop's Content-Security-Policy: a page that loads or runs something the policy
# blocks (an inline script or style, a form posting elsewhere) fails the test that opened it.
_WATCH_CSP = """document.addEventListener("securitypolicyviolation", (event) => {
  window.__comptoirCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ${document.URL}`
                                + (event.sample ? `: ${event.sample}` : ""));
});"""


@pytest.fixture
def csp_violations():
    """What the browser refused under the Content-Security-Policy in this test: console reports and
    securitypolicyviolation events, one line each."""
    return []


# ... and the Nu HTML checker: a page of the shop's (not the Django admin's) that is not valid HTML fails the test that
# received it (tests/e2e/nu_html.py).
@pytest.fixture(scope="session")
def nu_checker():
    """The Nu HTML checker, one Java process for the whole session, starting (a few seconds) while the first browser
    test runs."""
    checker = NuChecker()
    checker.start()
    yield checker
    checker.stop()


@pytest.fixture
def html_pages(nu_checker, base_url):
    """The HTML pages this test's browser received from the shop, each with the checker's errors to come."""
    return PageWatcher(nu_checker, base_url)


@pytest.fixture
def new_context(new_context, csp_violations, html_pages):
    """pytest-playwright's contexts (the `page` fixture's too), watched for Content-Security-Policy violations and
    for invalid HTML."""

    def watched(**kwargs):
        context = new_context(**kwargs)
        context.on("console", lambda message: csp_violations.append(message.text)
                   if "Content Security Policy" in message.text else None)
        context.expose_binding("__comptoirCspViolation", lambda _source, line: csp_violations.append(line))
        context.add_init_script(_WATCH_CSP)
        html_pages.watch(context)
        return context

    yield watched
    assert csp_violations == [], "Content-Security-Policy violations:\n" + "\n".join(csp_violations)
    html_pages.settle()
    html_errors = html_pages.take_errors()
    assert html_errors == [], "The Nu HTML checker's errors:\n" + "\n".join(html_errors)
