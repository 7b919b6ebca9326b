"""Personal-data declaration of the account itself (erased last)."""

from privacy.registry import PersonalData, register


def _own_account(user):
    return type(user)._default_manager.filter(pk=user.pk)


register(
    PersonalData(
        "accounts.User",
        subject=_own_account,
        fields=[
            "email",
            "display_name",
            "phone",
            "time_zone",
            "language",
            "created_at",
            "last_login",
            "is_demo",
        ],
        order=1000,
    ),
)
