"""The composition root: wire settings, database, calendar, runtime and services together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.bpmn.logs import keep_task_data_out_of_logs
from engine.bpmn.runtime import WorkflowRuntime
from engine.config import Settings
from engine.domain.calendar import BusinessCalendar, CalendarOverrides
from engine.domain.clock import Clock, SystemClock
from engine.domain.codes import CodeLists, SlaTable
from engine.domain.customer_notices import NOTICE_SETTINGS_FILE, NoticeSettings
from engine.domain.departments import DepartmentDirectory
from engine.domain.errors import ConfigurationError
from engine.domain.glossary import GLOSSARY_FILE, Glossary
from engine.domain.organisation import home_units
from engine.domain.organisation_files import ORGANISATION_FILE, load_organisation
from engine.domain.regulator_codes import REGULATOR_CODES_FILE, RegulatorCodes
from engine.domain.report_facts import FactsCatalogue, ProcessFactsError
from engine.persistence.sealing import Sealer
from engine.persistence.uow import Database
from engine.services.apikeys import ApiKeyService
from engine.services.attachments import AttachmentService
from engine.services.audit import AuditService
from engine.services.cases import CaseService
from engine.services.clock import ClockService
from engine.services.comments import CommentService
from engine.services.contact import ContactService
from engine.services.context import DefinitionCache, EngineContext
from engine.services.customer_notices.service import CustomerNoticeService
from engine.services.customer_notices.templates import NoticeTemplates
from engine.services.deploy import DeployService
from engine.services.health import HealthService
from engine.services.history import HistoryService
from engine.services.keys import DataKeyService
from engine.services.mail import Mailer
from engine.services.messages import MessageService
from engine.services.migration import MigrationService
from engine.services.organisation import OrganisationService
from engine.services.oversight.alerts import AlertService
from engine.services.oversight.knowledge import KnowledgeService
from engine.services.oversight.notices import NoticeService
from engine.services.oversight.supervision import SupervisionService
from engine.services.printout import PrintService
from engine.services.rectification.service import RectificationService
from engine.services.regulator import RegulatorStatisticsService
from engine.services.repeats import RepeatService
from engine.services.reports import ReportService
from engine.services.reviews import ReviewService
from engine.services.search import SearchService
from engine.services.sessions import SessionService
from engine.services.tasks import TaskService
from engine.services.throttle import ThrottleService
from engine.services.timers import TimerService
from engine.services.unit_of_work import Database as UnitOfWorkSource
from engine.services.urgent.service import UrgentService
from engine.services.users import UserService
from engine.storage import open_store


@dataclass
class Engine:
    """Every service, sharing one context."""

    ctx: EngineContext
    cases: CaseService
    clock: ClockService
    tasks: TaskService
    search: SearchService
    deploy: DeployService
    messages: MessageService
    migration: MigrationService
    timers: TimerService
    notices: NoticeService
    customer_notices: CustomerNoticeService
    users: UserService
    mailer: Mailer
    reports: ReportService
    api_keys: ApiKeyService
    audit: AuditService
    supervision: SupervisionService
    rectifications: RectificationService
    urgent: UrgentService
    regulator: RegulatorStatisticsService
    organisation: OrganisationService
    health: HealthService
    data_keys: DataKeyService
    sessions: SessionService
    throttle: ThrottleService
    history: HistoryService
    knowledge: KnowledgeService
    alerts: AlertService
    comments: CommentService
    attachments: AttachmentService
    contact: ContactService
    printout: PrintService
    repeats: RepeatService
    reviews: ReviewService

    def init_db(self) -> None:
        """Create or upgrade the schema (Alembic migrations); fill report facts of older cases."""
        tree = self.ctx.organisation
        self.ctx.db.upgrade(home_units(tree), tree.root.code)
        self.reports.backfill_facts()

    def dispose(self) -> None:
        """Close database connections."""
        self.ctx.db.dispose()


def build(
    settings: Settings, clock: Clock | None = None, worker_name: str = "worker",
    database: UnitOfWorkSource | None = None,
) -> Engine:
    """Everything wired for `settings`; nothing is opened at import time. `database` replaces the
    SQLAlchemy one of `settings.database_url` (the fast test tier passes an in-memory fake)."""
    clock = clock or SystemClock()
    keep_task_data_out_of_logs()
    processes = settings.processes_dir
    calendar = BusinessCalendar(CalendarOverrides.from_toml(processes / "calendar.toml"))
    facts = FactsCatalogue([processes])
    departments = DepartmentDirectory.from_toml(processes / "departments.toml")
    db: UnitOfWorkSource = (
        database if database is not None
        else Database(settings.database_url, Sealer(settings.data_keys, settings.match_key),
                                 settings.db_statement_timeout_seconds, settings.db_lock_timeout_seconds)
    )
    ctx = EngineContext(
        settings=settings,
        db=db,
        clock=clock,
        calendar=calendar,
        departments=departments,
        organisation=load_organisation(processes / ORGANISATION_FILE, departments.codes()),
        codes=CodeLists.from_toml(processes / "codes.toml"),
        sla=SlaTable.from_toml(processes / "sla.toml"),
        runtime=WorkflowRuntime(calendar, clock, settings.allow_scripts, settings.expression_limits,
                                reply_markers=_reply_markers(facts)),
        definitions=DefinitionCache(departments),
        facts=facts,
        notices=_notice_settings(processes),
        notice_templates=NoticeTemplates(processes),
        glossary=Glossary.from_toml(processes / GLOSSARY_FILE),
    )
    cases = CaseService(ctx)
    reports = ReportService(ctx)
    attachments = AttachmentService(ctx, cases, open_store(settings.attachments))
    engine = Engine(
        ctx=ctx,
        cases=cases,
        clock=ClockService(ctx),
        tasks=TaskService(ctx),
        search=SearchService(ctx),
        deploy=DeployService(ctx),
        messages=MessageService(ctx),
        migration=MigrationService(ctx),
        timers=TimerService(ctx, worker_name),
        notices=NoticeService(ctx),
        customer_notices=CustomerNoticeService(ctx, cases),
        users=UserService(ctx),
        mailer=Mailer(ctx),
        reports=reports,
        api_keys=ApiKeyService(ctx),
        audit=AuditService(ctx),
        supervision=SupervisionService(ctx),
        rectifications=RectificationService(ctx),
        urgent=UrgentService(ctx),
        regulator=RegulatorStatisticsService(ctx, _regulator_codes(settings, ctx), reports),
        organisation=OrganisationService(ctx),
        health=HealthService(ctx),
        data_keys=DataKeyService(ctx),
        sessions=SessionService(ctx),
        throttle=ThrottleService(ctx),
        history=HistoryService(ctx),
        knowledge=KnowledgeService(ctx),
        alerts=AlertService(ctx),
        comments=CommentService(ctx, cases),
        attachments=attachments,
        contact=ContactService(ctx),
        printout=PrintService(ctx, cases, attachments),
        repeats=RepeatService(ctx, cases),
        reviews=ReviewService(ctx, cases),
    )
    return engine


def _regulator_codes(settings: Settings, ctx: EngineContext) -> RegulatorCodes:
    """The regulator's code list (COMPLAINTFLOW_REGULATOR_CODES, else processes/regulator_codes.toml); a
    RegulatorCodesInvalid naming file, line and field when it has problems."""
    path = settings.regulator_codes_file or settings.processes_dir / REGULATOR_CODES_FILE
    if not path.is_file():
        raise ConfigurationError("regulator_codes_missing", file=str(path))
    return RegulatorCodes.from_toml(path, ctx.codes.lists)


def _notice_settings(processes: Path) -> NoticeSettings:
    """processes/customer_notices.toml, or a ConfigurationError naming the file."""
    path = processes / NOTICE_SETTINGS_FILE
    try:
        return NoticeSettings.from_toml(path)
    except (OSError, ValueError) as err:
        raise ConfigurationError("notice_settings", file=str(path), message=str(err)) from None


def _reply_markers(facts: FactsCatalogue) -> Callable[[str], Sequence[str]]:
    """The variables that hold a process's reply (its `replied` report fact): the case ceiling stops there."""

    def markers(process_key: str) -> Sequence[str]:
        try:
            return facts.for_process(process_key).replied
        except ProcessFactsError:
            return ()

    return markers
