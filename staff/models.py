"""The staff's timesheets and what an hour of each person costs.

The ready-made groups themselves are Django auth groups, kept in line with roles.py after every `migrate` (this
module also makes Django send this app its post_migrate signal: it skips apps without a models module).

- TimeEntry: hours a person worked on one day at one task, logged by the person (Warehouse and Store staff see and
  add only their own rows) or by a manager.
- StaffCost: a person's hourly cost from a date on. Private to Managers: no other group holds any permission on it,
  and nothing outside its own admin list and the Managers' staffing figures shows it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField

HOURS_MAX = Decimal("24")


class TimeEntry(models.Model):
    class Task(models.TextChoices):
        PICKING = "picking", _("Picking and packing")
        COUNTER = "counter", _("Counter")
        CUSTOMER_SERVICE = "service", _("Customer service")
        OTHER = "other", _("Other")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), related_name="time_entries",
                               on_delete=models.PROTECT)
    day = models.DateField(_("day"))
    task = models.CharField(_("task"), max_length=10, choices=Task.choices, default=Task.PICKING)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(HOURS_MAX)],
                                help_text=_("e.g. 7.5 for seven and a half hours."))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("logged by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("timesheets")
        ordering = ["-day", "person_id", "pk"]
        indexes = [models.Index(fields=["day", "task"], name="timeentry_day_task"),
                   models.Index(fields=["person", "day"], name="timeentry_person_day")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=HOURS_MAX), name="timeentry_hours_in_a_day"),
            models.CheckConstraint(condition=Q(task__in=["picking", "counter", "service", "other"]),
                                   name="timeentry_task_valid"),
        ]

    def __str__(self):
        return f"{self.day} {self.person} {self.get_task_display()} {self.hours} h"


class StaffCost(models.Model):
    """What one hour of a person costs the shop (wage and what comes with it) from `effective_from` on, until the
    person's next row. The cost of an hour worked is the one in effect that day."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), related_name="staff_costs",
                               on_delete=models.PROTECT)
    effective_from = models.DateField(_("in effect from"))
    hourly_cost = MoneyField(_("hourly cost (CAD)"), validators=[MinValueValidator(Decimal("0"))])
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("hourly staff cost")
        verbose_name_plural = _("hourly staff costs")
        ordering = ["person_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["person", "effective_from"], name="staffcost_one_per_person_and_date"),
            models.CheckConstraint(condition=Q(hourly_cost__gte=0), name="staffcost_not_negative"),
        ]

    def __str__(self):
        return f"{self.person} {self.effective_from}"
