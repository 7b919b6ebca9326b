"""The settings module as production would load it, in a fresh interpreter."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-0123456789",
    "DJANGO_ALLOWED_HOSTS": "sofadoc.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/sofadoc",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example:587",
    "FIELD_ENCRYPTION_KEYS": "tVbZ1n3yF6y0oYtq1Qf9V6Qm1K1J8Yb2Hq8n0Zc4s3E=",
}


def run_manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "EMAIL_URL"))
    }
    base["DJANGO_SETTINGS_MODULE"] = "sofadoc.settings"
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_migrations_check_runs_without_any_configuration():
    # It compares models with migrations and signs nothing; everything else still needs a key
    # (the test above).
    result = run_manage("makemigrations", "--check", "--dry-run", env={})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_debug_mode_runs_without_secret_key():
    result = run_manage("check", env={"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_deploy_check_is_clean_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_warns_when_encryption_keys_are_derived_from_the_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "FIELD_ENCRYPTION_KEYS"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "sofadoc.W002" in result.stdout + result.stderr


def test_deploy_check_fails_when_mail_would_only_go_to_the_console():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "EMAIL_URL"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "sofadoc.W001" in result.stdout + result.stderr


def test_uploads_go_to_s3_in_the_eu_when_a_bucket_is_configured():
    env = {**PRODUCTION_ENV, "AWS_STORAGE_BUCKET_NAME": "sofadoc-media"}
    result = run_manage(
        "shell",
        "-c",
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.bucket_name, s.region_name)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["S3Storage", "sofadoc-media", "eu-central-1"]


def test_data_exports_go_to_a_private_bucket_of_their_own_when_configured():
    env = {**PRODUCTION_ENV, "PRIVATE_STORAGE_BUCKET_NAME": "sofadoc-private"}
    result = run_manage(
        "shell",
        "-c",
        "from django.core.files.storage import storages; s = storages['private']; "
        "print(type(s).__name__, s.bucket_name, s.region_name, s.default_acl, s.querystring_auth)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "S3Storage",
        "sofadoc-private",
        "eu-central-1",
        "private",
        "True",
    ]


def test_without_a_bucket_data_exports_stay_on_the_private_filesystem_root(tmp_path):
    env = {**PRODUCTION_ENV, "PRIVATE_STORAGE_ROOT": str(tmp_path)}
    result = run_manage(
        "shell",
        "-c",
        "from django.core.files.storage import storages; s = storages['private']; "
        "print(type(s).__name__, s.location)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["FileSystemStorage", str(tmp_path)]
