"""Every string marked for translation has a German translation; all catalogues compile."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings

# locale/ holds SofaDoc's own strings; locale_overrides/ the formal German for allauth.
CATALOGUES = ["locale", "locale_overrides"]


@pytest.mark.parametrize("directory", CATALOGUES)
def test_german_catalogue_is_complete(directory):
    po = Path(settings.BASE_DIR) / directory / "de" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_every_catalogue_directory_is_a_locale_path():
    assert [Path(p).name for p in settings.LOCALE_PATHS] == CATALOGUES
