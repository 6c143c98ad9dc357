"""Caseflow: case management for a parent helpline on education.

The Celery app is imported here so that `@shared_task` binds to it whenever
Django starts (the usual Celery-with-Django arrangement).
"""

from caseflow.celery import app as celery_app

__all__ = ("celery_app",)
