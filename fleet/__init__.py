"""The fleet: parse and OCR on Celery workers with a Redis broker, for archives that outgrow
one machine (docs/scale.md). Workers run the same unit of work as every in-process parse
(pipelines.task.run_task under pipelines.limits); the process that submitted the work is the
archive's one writer (fleet/sink.py). Imports pipelines and archive, never scrapy.
"""
