from tests.aid.conftest import needy_village  # noqa: F401  (the village with three needs)
