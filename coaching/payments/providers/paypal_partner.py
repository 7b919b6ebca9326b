"""PayPal's partner steps (partner referrals, merchant integration status, transaction search),
mixed into PayPalProvider. Filled in by the onboarding work (issue 15, `onboard`)."""


class PayPalPartnerMixin:
    pass
