"""The settings of the site the fault suite runs in gunicorn: the test settings (DEBUG off, the
production middleware, static files from the app folders) with PayPal faked in each process.
The environment (tests/faults/site.py) points it at the private PostgreSQL and Redis."""

from tests.faults.paypal import install
from tests.settings import *  # noqa: F403

install()
