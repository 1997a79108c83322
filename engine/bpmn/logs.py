"""SpiffWorkflow attaches each task's data (the complaint, personal numbers included) to its log records
whenever its loggers have no level of their own; the engine keeps that data out of every log."""

from __future__ import annotations

import logging

SPIFF_LOGGERS = ("spiff.task", "spiff.workflow", "spiff.data", "spiff.dmn")
TASK_DATA_KEYS = ("data", "internal_data")


class DropTaskData(logging.Filter):
    """Removes the task data SpiffWorkflow puts on a log record (any handler could write it out)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, without the data."""
        for key in TASK_DATA_KEYS:
            record.__dict__.pop(key, None)
        return True


_DROP_TASK_DATA = DropTaskData()


def keep_task_data_out_of_logs() -> None:
    """Install the filter on SpiffWorkflow's loggers (idempotent)."""
    for name in SPIFF_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            # SpiffWorkflow copies the task data into every record when its logger's own level is below
            # INFO (NOTSET included): a cost on every step, and personal data in the records.
            logger.setLevel(logging.INFO)
        if _DROP_TASK_DATA not in logger.filters:
            logger.addFilter(_DROP_TASK_DATA)
