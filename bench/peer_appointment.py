"""django-appointment on the same workload, run by its own virtualenv (var/bench-peer/venv, made
by `make bench`; never the project's), in its own PostgreSQL database.

    var/bench-peer/venv/bin/python bench/peer_appointment.py --first-day 2026-12-04 --sizes 2000

For each size: one staff member open 08:00-20:00 Monday to Saturday, a 30-minute service, the
bookings of bench/appointment_workload.py; then its slots API (`available_slots_ajax`, one day
per request, as its booking page asks) for each of the 60 days, timed and counted. Prints JSON
{size: {"ms": median of 5 runs of all 60 requests, "queries": ..., "slots": ...}} on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import appointment_workload as workload

DATABASE_URL = os.environ.get("PEER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/peer_appt")


def configure() -> None:
    import django
    from django.conf import settings

    name = DATABASE_URL.rsplit("/", 1)[1]
    _create_database_if_missing(DATABASE_URL, name)
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only",  # noqa: S106 - a throwaway database on loopback
        ALLOWED_HOSTS=["testserver"],
        USE_TZ=True,
        TIME_ZONE=workload.ZONE,
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "appointment",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
            }
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": name,
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": "5432",
            }
        },
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        LOGGING_CONFIG=None,
    )
    django.setup()
    import logging

    logging.disable(logging.CRITICAL)  # its INFO lines would land on our stdout
    from django.core.management import call_command

    # It ships no migrations (its users make their own): tables straight from the models, after
    # Django's own apps (its tables point at auth_user; syncdb would create them first).
    for app in ("contenttypes", "auth"):
        call_command("migrate", app, verbosity=0)
    call_command("migrate", run_syncdb=True, verbosity=0)


def _create_database_if_missing(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not found.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def urls():
    from django.urls import include, path

    return [path("appointment/", include("appointment.urls"))]


urlpatterns: list = []


def build(count: int, day: date):
    from appointment.models import (
        Appointment,
        AppointmentRequest,
        Service,
        StaffMember,
        WorkingHours,
    )
    from django.contrib.auth import get_user_model
    from django.db import transaction

    User = get_user_model()
    username = f"coach-{count}-{day.isoformat()}"
    staff = StaffMember.objects.filter(user__username=username).first()
    if staff is not None:
        return staff, Service.objects.get(name=f"Sitzung {count}")
    with transaction.atomic():
        User.objects.filter(username__startswith=f"coach-{count}-").delete()  # earlier days
        Service.objects.filter(name__in=[f"Sitzung {count}", f"Kurz {count}"]).delete()
        staff = StaffMember.objects.create(
            user=User.objects.create(username=username, first_name="Coach"),
            slot_duration=workload.SLOT_MINUTES,
            work_on_saturday=True,
        )
        session = Service.objects.create(
            name=f"Sitzung {count}", duration=timedelta(minutes=workload.SLOT_MINUTES), price=90
        )
        short = Service.objects.create(
            name=f"Kurz {count}", duration=timedelta(minutes=workload.BOOKING_MINUTES), price=30
        )
        staff.services_offered.add(session, short)
        # Its weekdays count from Sunday (0); ours from Monday (0).
        WorkingHours.objects.bulk_create(
            WorkingHours(
                staff_member=staff,
                day_of_week=(weekday + 1) % 7,
                start_time=workload.OPENS,
                end_time=workload.CLOSES,
            )
            for weekday in workload.WORKDAYS
        )
        client = User.objects.get_or_create(username="client")[0]
        requests = AppointmentRequest.objects.bulk_create(
            AppointmentRequest(
                date=on,
                start_time=at,
                end_time=(
                    datetime.combine(on, at) + timedelta(minutes=workload.BOOKING_MINUTES)
                ).time(),
                service=short,
                staff_member=staff,
            )
            for on, at in workload.bookings(day, count)
        )
        Appointment.objects.bulk_create(
            Appointment(client=client, appointment_request=request) for request in requests
        )
    return staff, session


def run(count: int, day: date) -> dict:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    staff, service = build(count, day)
    client = Client(HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    url = reverse("appointment:available_slots_ajax")

    def sixty_days() -> int:
        slots = 0
        for offset in range(workload.DAYS):
            query = {
                "selected_date": (day + timedelta(days=offset)).isoformat(),
                "staff_member": staff.pk,
                "service_id": service.pk,
            }
            response = client.get(url, query)
            slots += len(response.json().get("available_slots", []))
        return slots

    # Counted by a wrapper: the query log is emptied at the start of every request.
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        slots = sixty_days()
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        sixty_days()
        samples.append((time.perf_counter() - started) * 1000)
    return {"ms": statistics.median(samples), "queries": len(queries), "slots": slots}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--first-day", type=date.fromisoformat, required=True)
    parser.add_argument("--sizes", default="2000")
    args = parser.parse_args()
    configure()
    urlpatterns.extend(urls())
    sizes = [int(size) for size in args.sizes.split(",")]
    print(json.dumps({size: run(size, args.first_day) for size in sizes}))


if __name__ == "__main__":
    main()
