"""How long the fuzzers run: bounded in the default test run, much longer on request.

``CREDIT_WORKBOOK_FUZZ=long`` multiplies every target's example count by
``CREDIT_WORKBOOK_FUZZ_SCALE`` (default 25) and relaxes the deadline; the
default keeps ``tests/fuzz`` within a few minutes on two busy cores. The
deadline is a hang detector, not a benchmark: an input that makes a reader
take seconds (a decompression bomb slipping past the guard) fails it.

The default run is derandomized: every run tries the same inputs, so CI
never goes red on a fresh random find that has nothing to do with the
change under test; new inputs are the long run's job. On CI (``CI`` set)
the example database is off too, so a local ``.hypothesis`` folder cannot
change what runs; elsewhere it replays a developer's last failures first.
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


def fuzz(examples: int) -> settings:
    """Settings for one fuzz target: ``examples`` inputs in the default run, ``× SCALE`` in the long one."""
    return settings(settings.get_profile("credit-fuzz"), max_examples=examples * SCALE)
