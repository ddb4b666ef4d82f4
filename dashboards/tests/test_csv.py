"""Each table's CSV: the page's range, UTF-8 with a byte-order mark, every field quoted, amounts with two places."""

import csv
import io

import pytest

from .conftest import PERIOD

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_unpaid_invoices_csv(manager_client, sales_data):
    response = manager_client.get("/dashboards/sales/", {**PERIOD, "export": "unpaid"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="sales-unpaid-2026-04-01-2026-04-14.csv"'
    assert response.content.startswith(b'\xef\xbb\xbf"Due","Invoices","Owed (CAD)"\r\n')
    assert _csv(response) == [
        ["Due", "Invoices", "Owed (CAD)"],
        ["Not yet due", "1", "100.00"],
        ["1–30 days overdue", "2", "110.00"],
        ["31–60 days overdue", "1", "70.00"],
        ["61–90 days overdue", "1", "80.00"],
        ["90+ days overdue", "1", "160.00"],
        ["Total unpaid", "6", "520.00"],
    ]


def test_revenue_by_day_csv_follows_the_range(manager_client, sales_data):
    rows = _csv(manager_client.get("/dashboards/sales/", {**PERIOD, "by": "week", "export": "orders-revenue"}))

    assert rows == [["Week starting", "Orders", "Revenue (CAD)", "Average order (CAD)"],
                    ["2026-03-30", "2", "163.00", "81.50"],
                    ["2026-04-06", "1", "200.00", "200.00"],
                    ["2026-04-13", "1", "35.00", "35.00"]]


def test_channels_csv_gives_each_channels_units_and_revenue(manager_client, sales_data):
    rows = _csv(manager_client.get("/dashboards/sales/", {**PERIOD, "export": "channels"}))

    assert rows[0] == ["Channel", "Units sold", "Units, previous period", "Revenue (CAD)",
                       "Revenue, previous period (CAD)"]
    assert rows[1:] == [["Web shop", "8", "2", "398.00", "100.01"],
                        ["Counter: Calgary store", "5", "1", "240.00", "50.00"],
                        ["All channels", "13", "3", "638.00", "150.01"]]


def test_summary_csv(manager_client, sales_data):
    rows = _csv(manager_client.get("/dashboards/sales/", {**PERIOD, "export": "summary"}))

    assert rows[0] == ["Figure", "This period", "Previous period", "Change", "Change (%)"]
    assert rows[2] == ["Revenue before taxes", "398.00", "100.01", "297.99", "298.0"]


def test_fulfilment_csv_in_french(manager_client, fulfilment_data):
    rows = _csv(manager_client.get("/fr/dashboards/fulfilment/", {**PERIOD, "export": "time-to-ship"}))

    assert [row[1] for row in rows[1:]] == ["1", "2", "0", "1", "0"]


def test_an_unknown_table_is_a_404(manager_client, now):
    assert manager_client.get("/dashboards/sales/", {"export": "nothing"}).status_code == 404
