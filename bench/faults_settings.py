"""bench.faults: the production settings of bench.load, with PayPal faked at the HTTP level in
each web process (tests/faults/paypal.py), so booking and paying run without PayPal.

One change: a cheap password hasher. PBKDF2 at Django's 1,000,000 iterations takes about 1.4 s
of CPU per sign-in on the shared 2-core benchmark machine, so sign-ins alone would hold p99 above
a second and hide what an outage costs; the hashing is not what this benchmark measures.
"""

from bench.load_settings import *  # noqa: F403
from tests.faults.paypal import install

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

install()
