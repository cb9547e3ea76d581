"""Settings come from the environment; production settings pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_django(args, env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "thidua.settings", "THIDUA_DATA_DIR": str(tmp_path),
                **env_extra})
    return subprocess.run([sys.executable, "-m", "django", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], {
        "THIDUA_HTTPS": "1", "THIDUA_ALLOWED_HOSTS": "thidua.example.vn",
        "THIDUA_DEBUG": "0",
    }, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_secret_key_is_generated_once_into_the_data_dir(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_django(["shell", "-c", code], {}, tmp_path)
    second = run_django(["shell", "-c", code], {}, tmp_path)
    key_file = tmp_path / "secret_key"
    assert first.returncode == 0, first.stderr
    printed = [r.stdout.strip().splitlines()[-1] for r in (first, second)]
    assert printed[0] == printed[1] == key_file.read_text().strip()
    assert len(key_file.read_text().strip()) >= 50
    assert (key_file.stat().st_mode & 0o777) == 0o600


def test_environment_chooses_the_database(tmp_path):
    code = "from django.conf import settings; d=settings.DATABASES['default']; print(d['ENGINE'], d['NAME'])"
    sqlite = run_django(["shell", "-c", code], {}, tmp_path)
    assert "sqlite3" in sqlite.stdout and str(tmp_path) in sqlite.stdout
    pg = run_django(["shell", "-c", code], {"THIDUA_DATABASE_URL": "postgres://u@db.local:5432/thidua"}, tmp_path)
    assert "postgresql" in pg.stdout and "thidua" in pg.stdout


def test_language_and_time_zone():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "vi" and settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


def test_dates_render_as_dd_mm_yyyy(db):
    from datetime import date

    from django.template import Context, Template

    assert Template("{{ d|date }}").render(Context({"d": date(2026, 6, 19)})) == "19/06/2026"


def test_environment_chooses_a_shared_cache_for_the_rate_limits(tmp_path):
    """Several gunicorn workers count one rating page's limits together only in a shared
    cache; without THIDUA_CACHE_URL each process keeps its own."""
    code = ("from django.conf import settings; "
            "print(settings.CACHES['default']['BACKEND'], settings.THIDUA_RATING_IP_LIMIT)")
    shared = run_django(["shell", "-c", code], {"THIDUA_CACHE_URL": "redis://127.0.0.1:6379/2",
                                                "THIDUA_RATING_IP_LIMIT": "120"}, tmp_path)
    local = run_django(["shell", "-c", code], {}, tmp_path)
    assert shared.stdout.strip().splitlines()[-1].split() == [
        "django.core.cache.backends.redis.RedisCache", "120"]
    assert local.stdout.strip().splitlines()[-1].split() == [
        "django.core.cache.backends.locmem.LocMemCache", "30"]
