from tests.aid.conftest import needy_village  # noqa: F401  (the village with three needs)
from tests.notify.smtp import smtp_server  # noqa: F401  (a real SMTP server on loopback)
