"""Who may use staff powers: the one check the admin and every page outside it share.

Staff powers reach other people's bookings, receipts and refunds, so a stolen password alone
must not open them anywhere: the admin demands a second factor (sofadoc/admin_site.py), and
so does every view or service that lets staff past an ownership check. Anyone else who is
marked staff is treated like any other signed-in person (a 404 for what is not theirs).
"""

from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled


def staff_with_two_factors(user) -> bool:
    """Active staff whose account has a second factor (allauth then asks for it at every login).

    Without one, staff get no powers outside their own things, as in the admin."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and is_mfa_enabled(user)
    )
