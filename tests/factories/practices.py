"""Practices and their session types, ready to publish."""

from datetime import time as dt_time
from decimal import Decimal

import factory

from tests.factories.people import UserFactory


class PracticeFactory(factory.django.DjangoModelFactory):
    """A published-ready practice: profile, one topic and language, Mon-Fri 09:00-17:00 hours."""

    class Meta:
        model = "practices.Practice"
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Praxis {n}")
    slug = factory.Sequence(lambda n: f"praxis-{n}")
    headline = "Coaching für Führungskräfte"
    bio = "Ich begleite Menschen in Veränderung."
    billing_name = factory.LazyAttribute(lambda o: f"{o.name} (Inh. Coach)")
    billing_address = "Musterstraße 1\n10115 Berlin"
    tax_number = "27/123/45678"
    min_notice_hours = 0
    buffer_after_minutes = 0

    @factory.post_generation
    def merchant(obj, create, extracted, **kwargs):
        """The coach's connected PayPal account, ACTIVE at the provider PAYPAL_MODE uses, so the
        practice can take payments (merchant__provider=… for another); pass merchant=False for a
        coach not connected."""
        if not create or extracted is False:
            return
        from django.conf import settings

        from coaching.payments.models import MerchantAccount, MerchantStatus

        MerchantAccount.objects.create(
            practice=obj,
            provider=kwargs.get("provider")
            or ("twin" if settings.PAYPAL_MODE == "twin" else "paypal"),
            merchant_id=f"MERCH{obj.pk:08d}",
            status=MerchantStatus.ACTIVE,
            payments_receivable=True,
            primary_email_confirmed=True,
            permissions_granted=True,
        )

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):
        """Weekly windows as (weekday, start hour, end hour); pass hours=[] for none."""
        if not create:
            return
        from coaching.practices.models import WeeklyHours

        windows = [(day, 9, 17) for day in range(5)] if extracted is None else extracted
        WeeklyHours.objects.bulk_create(
            WeeklyHours(
                practice=obj, weekday=day, start_time=dt_time(first), end_time=dt_time(last)
            )
            for day, first, last in windows
        )

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            from coaching.practices.models import Language, Specialty

            # get_or_create: transactional tests flush the rows the data migration made.
            business, _ = Specialty.objects.get_or_create(
                slug="business", defaults={"name_de": "Business-Coaching", "name_en": "Business"}
            )
            german, _ = Language.objects.get_or_create(code="de")
            obj.specialties.add(business)
            obj.languages.add(german)


class SessionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "practices.SessionType"

    practice = factory.SubFactory(PracticeFactory)
    name = "Coaching-Sitzung"
    duration_minutes = 60
    price = Decimal("80.00")
