"""SofaDoc settings: every knob from the environment, one module per concern.

Defaults are for the zero-setup demo (SQLite, console e-mail, filesystem broker). Production
sets DJANGO_DEBUG=0 (the default) and must provide DJANGO_SECRET_KEY; every variable is
documented in `.env.example` and the README. `sofadoc.settings` stays the settings module
(DJANGO_SETTINGS_MODULE, `from sofadoc.settings import *` in tests/settings.py): it gathers the
modules below. Each setting is defined in one of them; each module takes `env`, the paths and
DEBUG from environment.py, which reads the `.env` file before anything else is read.
"""

from sofadoc.settings.accounts import *  # noqa: F403
from sofadoc.settings.backends import *  # noqa: F403
from sofadoc.settings.beat import *  # noqa: F403
from sofadoc.settings.environment import *  # noqa: F403
from sofadoc.settings.integrations import *  # noqa: F403
from sofadoc.settings.payments import *  # noqa: F403
from sofadoc.settings.privacy import *  # noqa: F403
from sofadoc.settings.project import *  # noqa: F403
from sofadoc.settings.security import *  # noqa: F403
