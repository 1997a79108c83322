"""The timer worker: an APScheduler interval job that sweeps due timers and sends pending email."""

from __future__ import annotations

import logging
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

log = logging.getLogger("engine.scheduler")


def sweep_once(engine: Any) -> dict[str, Any]:
    """One sweep: fire due timers, apply the supervision rules, chase and supervise rectification notices, chase
    the urgent and group complaints' missed first contacts, task forces and days of progress, deliver pending notice
    emails and customer notices."""
    result = engine.timers.sweep()
    supervised = engine.supervision.apply_rules()
    rectified = engine.rectifications.sweep()
    urgent = engine.urgent.sweep()
    sent = engine.mailer.deliver_pending() if getattr(engine, "mailer", None) else 0
    told = engine.customer_notices.dispatch_due()
    engine.audit.anchor()
    if rectified.chased or rectified.supervised:
        log.info("sweep: %d rectification notice(s) chased, %d supervised", rectified.chased, rectified.supervised)
    if result.fired_cases or result.failed or supervised or sent or told.sent or told.failed:
        log.info("sweep: %d case(s) fired, %d failed, %d supervised by rule, %d email(s), "
                 "%d customer notice(s) sent, %d given up", result.fired_cases, len(result.failed), supervised,
                 sent, told.sent, len(told.failed))
    return {"fired_cases": result.fired_cases, "failed": result.failed, "supervised_by_rule": supervised,
            "emails_sent": sent, "customer_notices_sent": told.sent, "customer_notices_retrying": told.retrying,
            "customer_notices_failed": told.failed, "rectifications_chased": rectified.chased,
            "rectifications_supervised": rectified.supervised, "urgent_first_contacts_chased": urgent.first_contacts,
            "urgent_task_forces_chased": urgent.task_forces, "urgent_progress_days_chased": urgent.progress_days}


def _safe_sweep(engine: Any) -> None:
    try:
        sweep_once(engine)
    except Exception:  # noqa: BLE001 - the scheduler must keep running
        log.exception("sweep failed")


def start_background(engine: Any) -> BackgroundScheduler:
    """Run the sweep in a background thread of this process (the single-machine default)."""
    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(_safe_sweep, "interval", args=[engine], id="timer-sweep",
                      seconds=engine.ctx.settings.worker_interval_seconds,
                      max_instances=1, coalesce=True)
    scheduler.start()
    return scheduler


def run_forever(engine: Any) -> None:
    """Run the sweep in the foreground until interrupted (`complaintflow worker`)."""
    scheduler = BlockingScheduler()
    scheduler.add_job(_safe_sweep, "interval", args=[engine], id="timer-sweep",
                      seconds=engine.ctx.settings.worker_interval_seconds,
                      max_instances=1, coalesce=True)
    _safe_sweep(engine)
    scheduler.start()
