"""POMOCHI_FOUNDING and POMOCHI_SIGNUP come from the environment; a value that is neither word
stops the program at start, naming the setting (a typo never opens a hosted server)."""

from tests.test_project import run_pomochi

CODE = "from django.conf import settings as s; print(s.POMOCHI_FOUNDING, s.POMOCHI_SIGNUP)"


def test_the_defaults_suit_a_laptop(tmp_path):
    result = run_pomochi(
        "shell", "--no-imports", "-c", CODE, env_extra={"POMOCHI_DATA_DIR": str(tmp_path)}
    )
    assert result.stdout.split() == ["anyone", "open"], result.stderr


def test_a_hosted_server_sets_both(tmp_path):
    env = {
        "POMOCHI_DATA_DIR": str(tmp_path),
        "POMOCHI_FOUNDING": "Approved",
        "POMOCHI_SIGNUP": " invitation ",
    }
    result = run_pomochi("shell", "--no-imports", "-c", CODE, env_extra=env)
    assert result.stdout.split() == ["approved", "invitation"], result.stderr


def test_a_value_that_is_neither_stops_the_program(tmp_path):
    env = {"POMOCHI_DATA_DIR": str(tmp_path), "POMOCHI_SIGNUP": "closed"}
    result = run_pomochi("check", env_extra=env)
    assert result.returncode != 0
    assert "POMOCHI_SIGNUP must be one of open, invitation; it is 'closed'" in result.stderr
