"""Settings: read from the environment only when `Settings.from_env()` is called."""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.domain.evidence import FILE_TYPES, AttachmentLimits
from engine.domain.expression_limits import ExpressionLimits

ENV_PREFIX = "COMPLAINTFLOW_"
DEFAULT_TIMEZONE = "Asia/Shanghai"


def known_zone(name: str) -> bool:
    """True when `name` is a time zone of the IANA database."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass
class SmtpSettings:
    """Outgoing email for notices; off unless a host is configured."""

    host: str = ""
    port: int = 25
    starttls: bool = False
    ssl: bool = False
    username: str = ""
    password: str = ""
    sender: str = "complaintflow@localhost"
    timeout: float = 10.0

    @property
    def enabled(self) -> bool:
        """True when a host is configured."""
        return bool(self.host)


# The default request body of the SMS gateway (Jinja, sandboxed): JSON with the number and the text.
DEFAULT_SMS_BODY = '{"mobile": {{ phone|tojson }}, "content": {{ text|tojson }}, "reference": {{ reference|tojson }}}'


@dataclass
class SmsSettings:
    """The bank's SMS platform: an HTTP endpoint taking one message per POST; off unless a URL is set."""

    url: str = ""
    username: str = ""  # HTTP Basic credentials, or
    password: str = ""
    token: str = ""  # a bearer token
    body: str = DEFAULT_SMS_BODY  # placeholders: phone, text, reference (the notice id)
    content_type: str = "application/json; charset=utf-8"
    timeout: float = 10.0

    @property
    def enabled(self) -> bool:
        """True when a gateway URL is configured."""
        return bool(self.url)


@dataclass
class S3Settings:
    """An S3-compatible object store for attachments (used when `AttachmentSettings.storage` is "s3")."""

    endpoint_url: str = ""  # empty: AWS itself; else e.g. https://minio.bank.local:9000
    bucket: str = ""
    region: str = "us-east-1"
    access_key: str = ""
    secret_key: str = ""
    prefix: str = "attachments/"


@dataclass
class AttachmentSettings:
    """Where attachment bytes are kept and what is accepted: the one home of the attachment limits."""

    storage: str = "filesystem"  # or "s3"
    directory: Path | None = None  # filesystem store; default: <instance>/attachments
    limits: AttachmentLimits = field(default_factory=AttachmentLimits)
    s3: S3Settings = field(default_factory=S3Settings)


@dataclass
class Settings:
    """Everything configurable, with the defaults documented in the README."""

    instance_dir: Path = field(default_factory=lambda: Path("instance"))
    database_url: str = ""
    processes_dir: Path = field(default_factory=lambda: Path("processes"))
    secret_key: str = ""
    # Fernet keys for personal data at rest, newest first (it encrypts; all of them decrypt), and the
    # HMAC key of repeat-complaint matching. Made once in the instance folder when not configured.
    data_keys: tuple[str, ...] = ()
    match_key: str = ""
    worker_interval_seconds: float = 30.0
    timer_max_attempts: int = 5
    timer_retry_base_seconds: float = 60.0
    manual_chase_interval_minutes: int = 60
    allow_scripts: bool = False
    max_diagram_bytes: int = 2_000_000
    session_idle_minutes: int = 30
    login_max_failures: int = 5
    secure_cookies: bool = False
    login_lock_minutes: int = 15
    failures_per_source: int = 60
    failure_window_minutes: int = 10
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    sms: SmsSettings = field(default_factory=SmsSettings)
    # Customer notices: attempts per notice before it is kept as failed, first backoff delay (doubling).
    notice_max_attempts: int = 5
    notice_retry_base_seconds: float = 60.0
    expression_limits: ExpressionLimits = field(default_factory=ExpressionLimits)
    # Seconds a database statement (PostgreSQL) or a wait for a lock (both) may take before it fails.
    db_statement_timeout_seconds: float = 60.0
    db_lock_timeout_seconds: float = 15.0
    # The bank's time zone (IANA name): every time shown to a person or written to JSON is in it.
    timezone: str = DEFAULT_TIMEZONE
    # The regulator's code list (JR/T 0169-2018); None: regulator_codes.toml in processes_dir.
    regulator_codes_file: Path | None = None
    attachments: AttachmentSettings = field(default_factory=AttachmentSettings)
    # A TrueType font (or collection) with Chinese glyphs for the printable complaint form's PDF; empty: the
    # first of KNOWN_CJK_FONTS found on the machine (README: install fonts-wqy-microhei).
    pdf_font: str = ""

    def __post_init__(self) -> None:
        if not known_zone(self.timezone):
            raise ValueError(f"COMPLAINTFLOW_TIMEZONE: unknown time zone {self.timezone!r} (an IANA name such "
                             f"as {DEFAULT_TIMEZONE})")
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.instance_dir / 'complaintflow.db').resolve()}"
        if not self.data_keys:
            self.data_keys = (_instance_secret(self.instance_dir, "data_key", new_data_key),)
        if not self.match_key:
            self.match_key = _instance_secret(self.instance_dir, "match_key")
        if self.attachments.directory is None:
            self.attachments.directory = self.instance_dir / "attachments"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from COMPLAINTFLOW_* environment variables."""
        env = os.environ if env is None else env

        def get(name: str, default: str = "") -> str:
            return env.get(ENV_PREFIX + name, default)

        instance = Path(get("INSTANCE_DIR", "instance"))
        return cls(
            instance_dir=instance,
            database_url=get("DATABASE_URL"),
            processes_dir=Path(get("PROCESSES_DIR", "processes")),
            secret_key=get("SECRET_KEY") or _instance_secret(instance),
            data_keys=tuple(k.strip() for k in get("DATA_KEY").split(",") if k.strip()),
            match_key=get("MATCH_KEY"),
            worker_interval_seconds=float(get("WORKER_INTERVAL", "30")),
            timer_max_attempts=int(get("TIMER_MAX_ATTEMPTS", "5")),
            timer_retry_base_seconds=float(get("TIMER_RETRY_SECONDS", "60")),
            manual_chase_interval_minutes=int(get("CHASE_INTERVAL_MINUTES", "60")),
            allow_scripts=_flag(get("ALLOW_SCRIPTS")),
            max_diagram_bytes=int(get("MAX_DIAGRAM_BYTES", "2000000")),
            session_idle_minutes=int(get("SESSION_IDLE_MINUTES", "30")),
            login_max_failures=int(get("LOGIN_MAX_FAILURES", "5")),
            secure_cookies=_flag(get("SECURE_COOKIES")),
            login_lock_minutes=int(get("LOGIN_LOCK_MINUTES", "15")),
            failures_per_source=int(get("FAILURES_PER_SOURCE", "60")),
            failure_window_minutes=int(get("FAILURE_WINDOW_MINUTES", "10")),
            expression_limits=_expression_limits(get),
            db_statement_timeout_seconds=float(get("DB_STATEMENT_TIMEOUT", "60")),
            db_lock_timeout_seconds=float(get("DB_LOCK_TIMEOUT", "15")),
            timezone=get("TIMEZONE") or DEFAULT_TIMEZONE,
            regulator_codes_file=Path(get("REGULATOR_CODES")) if get("REGULATOR_CODES") else None,
            smtp=SmtpSettings(
                host=get("SMTP_HOST"),
                port=int(get("SMTP_PORT", "25")),
                starttls=_flag(get("SMTP_STARTTLS")),
                ssl=_flag(get("SMTP_SSL")),
                username=get("SMTP_USER"),
                password=get("SMTP_PASSWORD"),
                sender=get("SMTP_FROM", "complaintflow@localhost"),
            ),
            sms=_sms_settings(get),
            notice_max_attempts=int(get("NOTICE_MAX_ATTEMPTS", "5")),
            notice_retry_base_seconds=float(get("NOTICE_RETRY_SECONDS", "60")),
            attachments=_attachment_settings(get),
            pdf_font=get("PDF_FONT"),
        )


def _attachment_settings(get: Callable[[str, str], str]) -> AttachmentSettings:
    """Attachment storage and limits from COMPLAINTFLOW_ATTACHMENT_* and COMPLAINTFLOW_S3_*."""
    default = AttachmentLimits()
    types = tuple(t.strip().lower().lstrip(".") for t in get("ATTACHMENT_TYPES", "").split(",") if t.strip())
    unknown = [t for t in types if t not in FILE_TYPES]
    if unknown:
        raise ValueError(f"COMPLAINTFLOW_ATTACHMENT_TYPES: unknown type(s) {', '.join(unknown)} "
                         f"(known: {', '.join(FILE_TYPES)})")
    directory = get("ATTACHMENT_DIR", "")
    return AttachmentSettings(
        storage=get("ATTACHMENT_STORAGE", "filesystem").strip().lower() or "filesystem",
        directory=Path(directory) if directory else None,
        limits=AttachmentLimits(max_bytes=int(get("ATTACHMENT_MAX_BYTES", str(default.max_bytes))),
                                types=types or default.types),
        s3=S3Settings(endpoint_url=get("S3_ENDPOINT_URL", ""), bucket=get("S3_BUCKET", ""),
                      region=get("S3_REGION", "") or "us-east-1", access_key=get("S3_ACCESS_KEY", ""),
                      secret_key=get("S3_SECRET_KEY", ""), prefix=get("S3_PREFIX", "attachments/")),
    )


def _sms_settings(get: Callable[[str, str], str]) -> SmsSettings:
    """The SMS gateway from COMPLAINTFLOW_SMS_*."""
    default = SmsSettings()
    return SmsSettings(
        url=get("SMS_URL", ""), username=get("SMS_USER", ""), password=get("SMS_PASSWORD", ""),
        token=get("SMS_TOKEN", ""), body=get("SMS_BODY", "") or default.body,
        content_type=get("SMS_CONTENT_TYPE", "") or default.content_type,
        timeout=float(get("SMS_TIMEOUT", "10")),
    )


def _expression_limits(get: Callable[[str, str], str]) -> ExpressionLimits:
    """The expression limits from COMPLAINTFLOW_EXPR_* and COMPLAINTFLOW_MAX_CARDINALITY."""
    default = ExpressionLimits()
    return ExpressionLimits(
        max_int_bits=int(get("EXPR_MAX_INT_BITS", str(default.max_int_bits))),
        max_sequence_length=int(get("EXPR_MAX_LENGTH", str(default.max_sequence_length))),
        max_iterations=int(get("EXPR_MAX_ITERATIONS", str(default.max_iterations))),
        max_allocated=int(get("EXPR_MAX_ALLOCATED", str(default.max_allocated))),
        max_seconds=float(get("EXPR_MAX_SECONDS", str(default.max_seconds))),
        max_depth=int(get("EXPR_MAX_DEPTH", str(default.max_depth))),
        max_literal_length=int(get("EXPR_MAX_LITERAL", str(default.max_literal_length))),
        max_cardinality=int(get("MAX_CARDINALITY", str(default.max_cardinality))),
    )


def new_data_key() -> str:
    """A new key for personal data at rest (a Fernet key: 32 random bytes, URL-safe base64)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def _instance_secret(instance: Path, name: str = "secret_key", make: Callable[[], str] | None = None) -> str:
    """A random secret kept in the instance folder (file `name`, readable by the owner only), made on first use."""
    path = instance / name
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = make() if make else secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
