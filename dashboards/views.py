"""The dashboard pages: a date range from the query string, a report from dashboards.selectors, a CSV per table.

A page is one DashboardPage subclass (slug, title, template, report()) listed in PAGES and one template extending
dashboards/base.html; the URL, the navigation between pages, the date range form, the comparison with the previous
period and the CSV links (?export=<table slug>, same range) come with it.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from . import periods
from .access import ManagersOnlyMixin
from .forms import RangeForm, range_form_initial
from .selectors.common import Report
from .selectors.customers import customers_report
from .selectors.fulfilment import fulfilment_report
from .selectors.sales import sales_report
from .selectors.site import site_report
from .selectors.staffing import COSTS_PERMISSION, staffing_report, timesheet_url
from .selectors.stock import stock_report
from .tables import Column, Table, csv_text, csv_value


class DashboardPage(ManagersOnlyMixin, TemplateView):
    slug = ""
    title = ""
    template_name = ""
    report_of = None  # the page's selector, called with period=; or override report()

    def report(self, period: periods.Period) -> Report:
        return type(self).report_of(period=period)

    def get(self, request, *args, **kwargs):
        today = periods.shop_today()
        form = RangeForm(request.GET, today=today)
        export = request.GET.get("export", "")
        if not form.is_valid():
            if export:
                return HttpResponse(" ".join(form.non_field_errors()) or _("The dates are not valid."),
                                    status=400, content_type="text/plain; charset=utf-8")
            return self.render_to_response(self.get_context_data(form=form, report=None, query=""))
        period = form.cleaned_data["period"]
        by = form.cleaned_data.get("by") or periods.AUTO
        report = self.report(period)
        query = self.query_for(period, by)
        if export:
            return self.csv_response(report, export)
        shown = RangeForm(initial=range_form_initial(period, by), today=today)
        return self.render_to_response(self.get_context_data(form=shown, report=report, query=query))

    @staticmethod
    def query_for(period: periods.Period, by: str) -> str:
        """The query string of this range: a preset keeps rolling (no dates), custom dates are fixed."""
        params = {"range": period.preset}
        if period.preset == periods.CUSTOM:
            params.update(start=period.start.isoformat(), end=period.end.isoformat())
        if by != periods.AUTO:
            params["by"] = by
        return urlencode(params)

    def csv_response(self, report: Report, slug: str) -> HttpResponse:
        table = summary_table(report) if slug == "summary" else report.table(slug)
        if table is None:
            raise Http404
        response = HttpResponse(csv_text(table), content_type="text/csv; charset=utf-8")
        name = f"{self.slug}-{table.slug}-{report.period.start}-{report.period.end}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site = admin.site
        report = kwargs.get("report")
        context.update(
            # What admin/base_site.html needs, without the admin's sidebar of every model.
            site_header=site.site_header, site_title=site.site_title, site_url=site.site_url,
            has_permission=site.has_permission(self.request), is_nav_sidebar_enabled=False, is_popup=False,
            title=self.title, page_slug=self.slug, pages=PAGES,
            period=report.period if report else None,
            previous=report.period.previous if report else None,
        )
        return context


def summary_table(report: Report) -> Table:
    """The headline figures as a table (for the CSV): this period, the previous one, the change."""
    rows = []
    for figure in report.figures:
        rows.append((figure.label, csv_value(figure.kind, figure.value), csv_value(figure.kind, figure.previous),
                     csv_value(figure.kind, figure.change), csv_value("percent", figure.change_percent)))
    return Table(slug="summary", caption=_("Summary"),
                 columns=[Column(_("Figure")), Column(_("This period")), Column(_("Previous period")),
                          Column(_("Change")), Column(_("Change (%)"))], rows=rows)


class SalesPage(DashboardPage):
    slug = "sales"
    title = gettext_lazy("Sales")
    template_name = "dashboards/sales.html"
    report_of = sales_report


class FulfilmentPage(DashboardPage):
    slug = "fulfilment"
    title = gettext_lazy("Fulfilment")
    template_name = "dashboards/fulfilment.html"
    report_of = fulfilment_report


class StockPage(DashboardPage):
    slug = "stock"
    title = gettext_lazy("Stock")
    template_name = "dashboards/stock.html"
    report_of = stock_report


class CustomersPage(DashboardPage):
    slug = "customers"
    title = gettext_lazy("Customers")
    template_name = "dashboards/customers.html"
    report_of = customers_report


class StaffingPage(DashboardPage):
    slug = "staffing"
    title = gettext_lazy("Staffing")
    template_name = "dashboards/staffing.html"

    def shows_costs(self) -> bool:
        # Asked explicitly, not implied by the Managers group: hourly costs stay private to whoever holds this
        # permission, even if the page is one day opened to other readers.
        return self.request.user.has_perm(COSTS_PERMISSION)

    def report(self, period):
        return staffing_report(period=period, costs=self.shows_costs())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, period = self.request.user, context["period"]
        context["shows_costs"] = self.shows_costs()
        context["timesheet_url"] = (timesheet_url(start=period.start, end=period.end)
                                    if period and user.has_perm("staff.view_timeentry") else "")
        context["timesheet_add_url"] = (reverse("admin:staff_timeentry_add")
                                        if user.has_perm("staff.add_timeentry") else "")
        context["costs_url"] = reverse("admin:staff_staffcost_changelist") if context["shows_costs"] else ""
        return context


class SitePage(DashboardPage):
    slug = "site"
    title = gettext_lazy("Site")
    template_name = "dashboards/site.html"

    def report(self, period):
        # The page lists the busiest pages; the pages CSV has them all.
        return site_report(period=period, every_page=self.request.GET.get("export") == "pages")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # The outbox's list is superusers' only (its emails hold sign-in links): a link only for who may open it.
        context["outbox_url"] = (reverse("admin:outbox_outboxemail_changelist")
                                 if user.has_perm("outbox.view_outboxemail") else "")
        context["jobs_url"] = reverse("admin:jobs_jobrun_changelist") if user.has_perm("jobs.view_jobrun") else ""
        return context


# The pages, in the navigation's order. A new page: a DashboardPage subclass here and its template.
PAGES: list[type[DashboardPage]] = [SalesPage, FulfilmentPage, StockPage, CustomersPage, StaffingPage,
                                    SitePage]


class DashboardsHome(ManagersOnlyMixin, View):
    def get(self, request):
        return redirect(f"dashboards:{PAGES[0].slug}")
