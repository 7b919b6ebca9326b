""" "Einnahmen": the coach's earnings per month and the CSV for their tax advisor."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from coaching.payments.earnings import earnings_csv, earnings_month, fee_invoice_url
from coaching.practices.models import Practice
from coaching.practices.views.setup import own_practice

FIRST_MONTH = date(2020, 1, 1)


def _this_month(practice: Practice) -> date:
    now = timezone.localtime(timezone.now(), timezone=ZoneInfo(practice.time_zone))
    return now.date().replace(day=1)


def _month(value: str | None, practice: Practice) -> date | None:
    """`YYYY-MM`, or this month in the practice's zone; None for anything else."""
    if not value:
        return _this_month(practice)
    try:
        month = datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 (a calendar month)
    except ValueError:
        return None
    return month if FIRST_MONTH <= month <= date(2100, 1, 1) else None


def _bad_month(request: HttpRequest, practice: Practice, message: str = "") -> HttpResponse:
    context = {
        "practice": practice,
        "error": message or _("Please choose a month as YYYY-MM, for example 2026-11."),
        "active": "earnings",
    }
    return render(request, "payments/earnings_month.html", context, status=400)


@own_practice
@require_GET
def earnings(request: HttpRequest, practice: Practice) -> HttpResponse:
    month = _month(request.GET.get("month"), practice)
    if month is None:
        return _bad_month(request, practice)
    page = request.GET.get("page", "1")
    if not page.isdigit() or len(page) > 6:
        return _bad_month(request, practice, _("There is no such page."))
    summary = earnings_month(practice=practice, month=month, page=int(page))
    context = {
        "practice": practice,
        "summary": summary,
        "month_param": f"{month:%Y-%m}",
        "previous_param": f"{summary.previous_month:%Y-%m}",
        "next_param": (
            f"{summary.next_month:%Y-%m}" if summary.next_month <= _this_month(practice) else ""
        ),
        "fee_invoice_url": fee_invoice_url(practice=practice, month=month),
        "active": "earnings",
    }
    return render(request, "payments/earnings_month.html", context)


@own_practice
@require_GET
def earnings_export(request: HttpRequest, practice: Practice, month: str) -> HttpResponse:
    parsed = _month(month, practice)
    if parsed is None:
        return _bad_month(request, practice)
    response = HttpResponse(
        earnings_csv(practice=practice, month=parsed), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="sofadoc-einnahmen-{month}.csv"'
    return response
