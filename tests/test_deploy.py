"""The deployment's promises, read from deploy/ (no container engine runs here): web and worker
scale out, beat runs once, every long-running service is health-checked, migrations run
before anything serves, and the image runs as an unprivileged user without a baked-in secret.
The production shape itself runs in scripts/prod-smoke.sh (`make smoke`)."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy"


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]


def test_web_and_worker_scale_out_sharing_files_and_beat_runs_once(services):
    # A published port on web would make `--scale web=3` fail; the proxy is the entry point.
    assert "ports" not in services["web"] and services["proxy"]["ports"]
    shared = {"media:/var/lib/sofadoc/media", "private:/var/lib/sofadoc/private"}
    assert set(services["web"]["volumes"]) == set(services["worker"]["volumes"]) == shared
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "private" not in " ".join(services["proxy"]["volumes"])  # exports never served


def test_every_long_running_service_has_a_health_check(services):
    checks = {
        name: " ".join(s["healthcheck"]["test"])
        for name, s in services.items()
        if name != "release"
    }
    assert "deploy/healthcheck.py" in checks["web"]
    assert "celery -A sofadoc inspect ping" in checks["worker"]
    assert "celerybeat-schedule" in checks["beat"]
    assert "pg_isready" in checks["postgres"] and "redis-cli ping" in checks["redis"]
    assert "/proxy-healthz" in checks["proxy"]


def test_a_full_redis_evicts_cached_pages_never_queued_tasks(services):
    # Anonymous pages are cached per address, so a flood of made-up queries fills Redis; only
    # keys with a timeout (the cache's) may go, not the queue or the version counters.
    command = services["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "volatile-lru"
    assert "--maxmemory" in command


def test_nothing_serves_before_the_release_migrated(services):
    assert services["release"]["command"] == ["release"]
    assert services["release"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["release"] == {
            "condition": "service_completed_successfully"
        }


def test_the_image_runs_unprivileged_without_a_secret_and_serves_by_default():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    runtime = dockerfile.split("AS runtime", 1)[1]
    assert re.search(r"^USER 10001:10001$", runtime, re.M)
    assert re.search(r'^CMD \["web"\]$', runtime, re.M)
    # The build's throwaway key lives in one RUN only, never in ENV or ARG.
    assert not re.search(r"^(ENV|ARG)\b[^\n]*SECRET_KEY", dockerfile, re.M)
    assert "compilemessages" in dockerfile and "collectstatic" in dockerfile
    ignored = (Path(settings.BASE_DIR) / ".dockerignore").read_text().split()
    assert "**/.env" in ignored and ".venv" in ignored


def test_the_entrypoint_knows_every_role_and_runs_anything_else_as_given():
    script = DEPLOY / "entrypoint.sh"
    text = script.read_text()
    for role in ("web)", "worker)", "beat)", "release)", "manage)"):
        assert role in text
    assert "gunicorn -c deploy/gunicorn.conf.py sofadoc.wsgi" in text
    # Anything that is not a role runs as given, with its exit status.
    assert run_entrypoint(script, "true") == 0
    assert run_entrypoint(script, "false") == 1


def run_entrypoint(script: Path, *args: str) -> int:
    return subprocess.run(  # noqa: S603 - our own script with a harmless command
        ["/bin/sh", str(script), *args], capture_output=True, timeout=10, check=False
    ).returncode
