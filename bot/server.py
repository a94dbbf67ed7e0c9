"""The production HTTP server: gunicorn with threaded workers, the app built inside each worker."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.settings import Settings

logger = logging.getLogger(__name__)


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """Serves `load_app()`'s WSGI app; `post_worker_init` runs in each worker once it is ready."""

    def __init__(self, load_app: Callable[[], Any], options: dict[str, Any]) -> None:
        self._load_app = load_app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self._load_app()


def serve(settings: Settings, load_app: Callable[[], Any], *, workers: int | None = None,
          post_worker_init: Callable[[Any], None] | None = None) -> None:
    """Run gunicorn on 0.0.0.0:PORT until stopped."""
    options: dict[str, Any] = {
        "bind": f"0.0.0.0:{settings.port}",
        "workers": workers or settings.web_concurrency,
        "worker_class": "gthread",
        "threads": settings.web_threads,
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        "post_worker_init": post_worker_init,
    }
    GunicornServer(load_app, options).run()
