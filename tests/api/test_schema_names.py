import importlib
import inspect
from collections import Counter
from pathlib import Path

from ninja import Schema

import pomochi


def test_no_two_api_schemas_share_a_name():
    # The OpenAPI document keys schemas by class name: a second ResourceOut silently replaces
    # the first, and clients are told the wrong shape.
    root = Path(pomochi.__file__).parent
    names = Counter()
    for path in sorted(root.glob("*/api.py")):
        module = importlib.import_module(f"pomochi.{path.parent.name}.api")
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, Schema)
                and obj.__module__ == module.__name__
            ):
                names[name] += 1
    assert names, "no schemas found"
    assert [name for name, count in names.items() if count > 1] == []
