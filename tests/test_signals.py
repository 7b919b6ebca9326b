"""Side effects one hop from the action: each domain-event signal's module lists every
receiver ("signal → module.function"), and the list is exactly what is connected."""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every app's signals.py, so a new app's signals are held to the same rule.
SIGNAL_MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for path in [*ROOT.glob("coaching/*/signals.py"), ROOT / "privacy" / "signals.py"]
)
LINE = re.compile(r"^(\w+)?\s*→\s*([\w.]+)$")


def listed(module) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    name = None
    for line in (module.__doc__ or "").splitlines():
        match = LINE.match(line.strip())
        if match:
            name = match.group(1) or name
            found.setdefault(name, set()).add(match.group(2))
    return found


def connected(signal) -> set[str]:
    sync_receivers, async_receivers = signal._live_receivers(sender=None)
    return {f"{f.__module__}.{f.__qualname__}" for f in [*sync_receivers, *async_receivers]}


@pytest.mark.parametrize("module_name", SIGNAL_MODULES)
def test_every_receiver_is_listed_where_the_signal_is_defined(module_name):
    from django.dispatch import Signal

    module = importlib.import_module(module_name)
    signals = {n: s for n, s in vars(module).items() if isinstance(s, Signal)}
    assert signals, module_name
    documented = listed(module)
    assert set(documented) == set(signals), f"{module_name}: every signal documented"
    for name, signal in signals.items():
        assert connected(signal) == documented[name], f"{module_name}.{name}"
