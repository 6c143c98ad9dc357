"""`make bench`: see bench/run.py. A package so that the Celery worker of the reminder
benchmark can import bench.reminder_tasks (the naive baseline)."""
