"""The Celery application: configured from Django's settings (CELERY_* names)."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseflow.settings")

app = Celery("caseflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _create_filesystem_broker_folder(sender: Celery, **kwargs) -> None:
    # The filesystem transport does not create its folder; without it the
    # first message of a fresh checkout would fail.
    folder = sender.conf.broker_transport_options.get("data_folder_in")
    if sender.conf.broker_url == "filesystem://" and folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
