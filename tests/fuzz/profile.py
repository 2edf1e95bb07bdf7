"""How long the fuzzers run: bounded in the default test run, much longer on request.

``CREDIT_WORKBOOK_FUZZ=long`` multiplies every target's example count by
``CREDIT_WORKBOOK_FUZZ_SCALE`` (default 25) and relaxes the deadline; the
default keeps ``tests/fuzz`` within a few minutes on two busy cores. The
deadline is a hang detector, not a benchmark: an input that makes a reader
take seconds (a decompression bomb slipping past the guard) fails it.

The default run is derandomized: every run tries the same inputs, so CI
never goes red on a fresh random find that has nothing to do with the
change under test; new inputs are the long run's job. Three things would
still move them: the hypothesis version (pinned exactly in pyproject.toml),
the example database (off on CI, where ``CI`` is set; elsewhere it replays a
developer's last failures first), and hypothesis's habit of mixing
constants from every module of this checkout loaded so far into its draws,
which makes the inputs depend on which tests ran first and what they
imported. The default run therefore draws without those local constants;
the long run keeps them, since they help it find edge cases.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

LONG = os.environ.get("CREDIT_WORKBOOK_FUZZ", "").lower() == "long"
SCALE = int(os.environ.get("CREDIT_WORKBOOK_FUZZ_SCALE", "25")) if LONG else 1

CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")

settings.register_profile(
    "credit-fuzz",
    deadline=timedelta(seconds=60 if LONG else 20),
    derandomize=not LONG,
    **({"database": None} if CI else {}),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                           HealthCheck.large_base_example],
    print_blob=True,
)


def _draw_without_local_constants() -> None:
    """Give hypothesis an empty pool of local constants, whatever gets imported later.

    ``_get_local_constants`` is private to the pinned hypothesis version; under
    another version that lacks it the default run merely loses its fixed inputs."""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:
        return
    if callable(getattr(providers, "_get_local_constants", None)):
        empty = type(providers.GLOBAL_CONSTANTS)()  # no integers, floats, bytes or strings
        providers._get_local_constants = lambda: empty


if not LONG:
    _draw_without_local_constants()


def fuzz(examples: int) -> settings:
    """Settings for one fuzz target: ``examples`` inputs in the default run, ``× SCALE`` in the long one."""
    return settings(settings.get_profile("credit-fuzz"), max_examples=examples * SCALE)
