"""The twin's partner steps (a local sign-up and consent page, status, transaction search),
mixed into TwinProvider. Filled in by the onboarding work (issue 15, `onboard`)."""


class TwinPartnerMixin:
    pass
