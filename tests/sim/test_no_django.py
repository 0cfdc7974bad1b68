import subprocess
import sys


def test_the_simulator_and_measures_import_nothing_from_django():
    code = (
        "import sys\n"
        "sys.modules['django'] = None  # any import of django now fails\n"
        "import pomochi.sim as sim, pomochi.measures as m\n"
        "from pomochi.sim.charts import write_charts\n"
        "r = sim.simulate(sim.preset('harvest_failure'), runs=2, seed=1)\n"
        "assert 0 < r.final('need_based', 'survival').mean <= 1\n"
        "assert m.gini([1, 1]) == 0\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'django' and sys.modules[m]]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
