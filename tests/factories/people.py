"""People: users, staff with and without two factors."""

import factory
from allauth.account.models import EmailAddress

from sofadoc.accounts.models import User

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("first_name", locale="de_DE")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Users have a verified primary address unless built with verified=False. `build()`
        writes nothing (the benchmarks build thousands and insert them in bulk)."""
        if not create:
            return
        obj.save()
        if extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def accepted_terms(obj, create, extracted, **kwargs):
        """Signed up as the signup form requires (18+, current terms and privacy policy), unless
        built with accepted_terms=False."""
        if create and extracted is not False:
            from privacy.services import SIGNUP_PURPOSES, consent_record

            consent_record(
                decisions=dict.fromkeys(SIGNUP_PURPOSES, True), source="signup", user=obj
            )


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True

    @factory.post_generation
    def two_factors(obj, create, extracted, **kwargs):
        """Staff powers need a second factor, as the admin does (sofadoc/accounts/staff.py):
        built with two_factors=True, the account has TOTP set up."""
        if create and extracted:
            from allauth.mfa.models import Authenticator

            Authenticator.objects.create(
                user=obj, type=Authenticator.Type.TOTP, data={"secret": "x"}
            )
