"""Create the demo data. Safe to run again: existing demo rows are updated, not duplicated."""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from coaching.bookings import demo as bookings_demo
from coaching.clients import demo as clients_demo
from coaching.intake import demo as intake_demo
from coaching.notifications import demo as notifications_demo
from coaching.packages import demo as packages_demo
from coaching.payments import demo as payments_demo
from coaching.practices import demo as practices_demo
from privacy import demo as privacy_demo
from sofadoc.accounts.models import User

DEMO_PASSWORD = "sofadoc-demo"  # noqa: S105 - printed on purpose; demo accounts only

DEMO_USERS = [
    {"email": "coach@demo.sofadoc.de", "display_name": "Dr. Anna Berger", "role": "coach"},
    {"email": "klient@demo.sofadoc.de", "display_name": "Jonas Weber", "role": "client"},
    {"email": "staff@demo.sofadoc.de", "display_name": "SofaDoc Support", "role": "staff"},
]


def ensure_demo_user(*, email: str, display_name: str, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "display_name": display_name,
            "is_demo": True,
            "is_staff": staff,
            "is_superuser": staff,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


class Command(BaseCommand):
    help = "Create demo users (and, as features land, their practices and bookings)."

    def handle(self, *args, **options):
        with transaction.atomic(durable=True):
            users = {
                spec["role"]: ensure_demo_user(
                    email=spec["email"],
                    display_name=spec["display_name"],
                    staff=spec["role"] == "staff",
                )
                for spec in DEMO_USERS
            }
            practices = practices_demo.seed(ensure_demo_user, before_publish=payments_demo.connect)
            bookings = bookings_demo.seed(client=users["client"], practice=users["coach"].practice)
            intake_demo.seed(practice=users["coach"].practice, client=users["client"])
            clients_demo.seed(coach=users["coach"], client=users["client"])
            packages_demo.seed(practice=users["coach"].practice)
            privacy_demo.seed(users.values())
            notifications_demo.seed(users=list(users.values()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(practices)} practices, {len(bookings)} bookings. "
                "Log in at http://127.0.0.1:8000"
            )
        )
        for role, user in users.items():
            self.stdout.write(f"  {role:<7} {user.email:<28} password: {DEMO_PASSWORD}")
        self.stdout.write("  (staff: the admin asks to set up two-factor authentication first)")
