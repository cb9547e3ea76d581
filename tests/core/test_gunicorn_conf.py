import gc

from thidua import gunicorn_conf


def test_workers_freeze_what_is_alive_after_loading(monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "collect", lambda: calls.append("collect"))
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    gunicorn_conf.post_worker_init(worker=None)
    assert calls == ["collect", "freeze"]
