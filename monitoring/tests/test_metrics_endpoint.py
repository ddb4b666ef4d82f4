"""/metrics serves Prometheus's text format to a scraper with the token or from an allowed network, and to no one
else."""

import pytest
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from jobs.models import JobRun
from monitoring.recorder import Recorder
from outbox.tests.factories import OutboxEmailFactory, ago

TOKEN = "s3cret-scraper-token"


def samples(response) -> dict:
    """{(name, labels as sorted tuples): value} of a Prometheus text page."""
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.content.decode())
            for sample in family.samples}


@pytest.fixture
def url():
    return reverse("monitoring:metrics")


def test_the_endpoint_is_at_slash_metrics(url):
    assert url == "/metrics"


@pytest.mark.django_db
def test_without_a_token_or_a_network_configured_it_does_not_exist(client, url, settings):
    settings.SHOP_METRICS_TOKEN, settings.SHOP_METRICS_ALLOWED_NETWORKS = "", []

    assert client.get(url).status_code == 404
    assert client.get(url, headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.django_db
def test_the_right_bearer_token_is_served_and_a_wrong_or_missing_one_is_refused(client, url, settings):
    settings.SHOP_METRICS_TOKEN = TOKEN

    served = client.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
    wrong = client.get(url, headers={"Authorization": "Bearer not-the-token"})
    missing = client.get(url)
    basic = client.get(url, headers={"Authorization": f"Basic {TOKEN}"})

    assert served.status_code == 200
    assert served["Content-Type"].startswith("text/plain; version=")
    assert "no-cache" in served["Cache-Control"]
    assert [wrong.status_code, missing.status_code, basic.status_code] == [401, 401, 401]
    assert missing["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"comptoir_" not in wrong.content


@pytest.mark.django_db
def test_a_client_in_an_allowed_network_needs_no_token_and_others_do(client, url, settings):
    settings.SHOP_METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "127.0.0.1/32"]

    assert client.get(url).status_code == 200  # the test client is 127.0.0.1
    assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 404
    settings.SHOP_METRICS_TOKEN = TOKEN
    assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 401
    assert client.get(url, REMOTE_ADDR="192.0.2.7", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


@pytest.mark.django_db
def test_the_page_holds_today_s_requests_per_page_the_queue_and_the_process(client, url, settings, recorder):
    settings.SHOP_METRICS_TOKEN = TOKEN
    worker = Recorder()
    for seconds in (0.004, 0.02, 0.02, 0.3):
        worker.record("storefront:home", 200, seconds)
    worker.record("storefront:home", 503, 6.0)
    worker.record("catalog:product_detail", 404, 0.008)
    worker.flush()
    OutboxEmailFactory(created_at=ago(minutes=3))
    OutboxEmailFactory(status="failed", attempts=5)
    JobRun.objects.create(job="outbox-sweep", trigger="runner", status="failed", started_at=ago(minutes=1),
                          finished_at=ago(minutes=1), error="SMTPServerDisconnected")

    found = samples(client.get(url, headers={"Authorization": f"Bearer {TOKEN}"}))

    home = (("view", "storefront:home"),)
    assert found["comptoir_http_requests_total", home] == 5
    assert found["comptoir_http_server_errors_total", home] == 1
    assert found["comptoir_http_client_errors_total", (("view", "catalog:product_detail"),)] == 1
    buckets = {le: found["comptoir_http_request_duration_seconds_bucket", (("le", le), *home)]
               for le in ("0.005", "0.025", "0.25", "0.5", "5.0", "+Inf")}
    assert buckets == {"0.005": 1, "0.025": 3, "0.25": 3, "0.5": 4, "5.0": 4, "+Inf": 5}
    assert found["comptoir_http_request_duration_seconds_count", home] == 5
    assert found["comptoir_http_request_duration_seconds_sum", home] == pytest.approx(6.344)
    assert found["comptoir_outbox_emails", (("status", "pending"),)] == 1
    assert found["comptoir_outbox_emails", (("status", "failed"),)] == 1
    assert found["comptoir_job_last_run_failed", (("job", "outbox-sweep"),)] == 1
    assert ("comptoir_job_last_run_failed", (("job", "refunds-send"),)) not in found  # never ran
    assert ("comptoir_celery_queue_length", ()) not in found  # no broker in the tests
    assert found["comptoir_database_up", ()] == 1
    assert found["process_cpu_seconds_total", ()] > 0
    # The scrape itself is counted like any page, in memory until the next flush.
    assert any(page == "monitoring:metrics" for _, page in recorder.pending())
