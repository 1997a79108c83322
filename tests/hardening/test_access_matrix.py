"""Access control: every page and every API operation × every role × own/other department.

The tables below are the specification. Roles: a branch front-desk `staff` member; a `supervisor` of
the front desk and the branch complaint manager who is also in head office's complaint management (so
its subtree is the whole bank); a `process_owner`; an `admin`; an `auditor`; a member of
the customer-service `bizgroup` (业务管理组, who chase by hand but belong to neither target's department);
and `anonymous`. `own` targets are the front desk's case/task/notice/queue; `other` targets are the card
centre's. Each task is claimed by another member of its department, so permitted claims and
completions end in 409 and change nothing; permitted unclaims are undone after each request.

A new route or API operation without rows here fails `test_every_*_has_matrix_rows`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.engines import clock_of
from tests.support.matrix_knowledge import missing_knowledge
from tests.support.matrix_table import judge, parse_matrix
from tests.support.matrix_world import (
    KEY_OF_ROLE,
    UNIT_USER_OF_ROLE,
    USER_OF_ROLE,
    World,
    databases_on_one_worker,
    is_login_redirect,
    seeded_world,
    sign_in,
)

# Outcomes: ok = allowed, deny = 403/404 + audited + nothing leaks, login = redirect to sign in,
# 401 = API challenge, pub = public. (tests/support/matrix_table.py OUTCOMES says it in full.)
WEB_MATRIX = parse_matrix("""
# request                          target  staff  supervisor process_owner admin auditor bizgroup anonymous
GET  static                        -       pub    pub        pub           pub   pub     pub      pub
GET  health.healthz                -       pub    pub        pub           pub   pub     pub      pub
GET  api_docs_page.docs            -       pub    pub        pub           pub   pub     pub      pub
GET  api-docs.openapi_json         -       pub    pub        pub           pub   pub     pub      pub
GET  auth.login                    -       pub    pub        pub           pub   pub     pub      pub
POST auth.login                    -       pub    pub        pub           pub   pub     pub      pub
POST auth.logout                   -       ok     ok         ok            ok    ok      ok       login
GET  inbox.home                    -       ok     ok         ok            ok    ok      ok       login
GET  inbox.queue                   own     ok     ok         deny          ok    ok      deny     login
GET  inbox.queue                   other   deny   ok         deny          ok    ok      deny     login
GET  inbox.mine                    -       ok     ok         ok            ok    ok      ok       login
GET  inbox.archive                 -       ok     ok         ok            ok    ok      ok       login
POST inbox.claim                   own     ok     ok         deny          deny  deny    deny     login
POST inbox.claim                   other   deny   deny       deny          deny  deny    deny     login
POST inbox.unclaim                 own     deny   ok         deny          ok    deny    deny     login
POST inbox.unclaim                 other   deny   deny       deny          ok    deny    deny     login
POST inbox.reassign                own     deny   ok         deny          ok    deny    deny     login
POST inbox.reassign                other   deny   deny       deny          ok    deny    deny     login
GET  task.show                     own     ok     ok         deny          ok    ok      deny     login
GET  task.show                     other   deny   ok         deny          ok    ok      deny     login
POST task.complete                 own     ok     ok         deny          deny  deny    deny     login
POST task.complete                 other   deny   deny       deny          deny  deny    deny     login
GET  intake.form                   -       ok     ok         ok            ok    deny    ok       login
POST intake.register               -       ok     ok         ok            ok    deny    ok       login
GET  case.show                     own     ok     ok         deny          ok    ok      deny     login
GET  case.show                     other   deny   ok         deny          ok    ok      deny     login
GET  case.diagram                  own     ok     ok         deny          ok    ok      deny     login
GET  case.diagram                  other   deny   ok         deny          ok    ok      deny     login
GET  case.audit                    own     deny   ok         deny          ok    ok      deny     login
GET  case.audit                    other   deny   ok         deny          ok    ok      deny     login
POST case.reveal                   own     deny   ok         deny          ok    deny    deny     login
POST case.reveal                   other   deny   ok         deny          ok    deny    deny     login
GET  customer_notices.letter       own     ok     ok         deny          ok    deny    deny     login
GET  customer_notices.letter       other   deny   ok         deny          ok    deny    deny     login
POST customer_notices.mark_sent    own     ok     ok         deny          ok    deny    deny     login
POST customer_notices.mark_sent    other   deny   ok         deny          ok    deny    deny     login
POST case.send_message             own     ok     ok         deny          ok    deny    deny     login
POST case.send_message             other   deny   ok         deny          ok    deny    deny     login
POST clock.extend                  own     ok     ok         deny          deny  deny    deny     login
POST clock.extend                  other   deny   ok         deny          deny  deny    deny     login
POST clock.pause                   own     ok     ok         deny          deny  deny    deny     login
POST clock.pause                   other   deny   ok         deny          deny  deny    deny     login
POST clock.resume                  own     ok     ok         deny          deny  deny    deny     login
POST clock.resume                  other   deny   ok         deny          deny  deny    deny     login
POST clock.restart                 own     ok     ok         deny          deny  deny    deny     login
POST clock.restart                 other   deny   ok         deny          deny  deny    deny     login
GET  clock.requests                -       ok     ok         ok            ok    ok      ok       login
POST clock.decide                  -       deny   ok         deny          deny  deny    deny     login
POST evidence.post_comment         own     ok     ok         deny          ok    deny    deny     login
POST evidence.post_comment         other   deny   ok         deny          ok    deny    deny     login
POST evidence.upload               own     ok     ok         deny          ok    deny    deny     login
POST evidence.upload               other   deny   ok         deny          ok    deny    deny     login
GET  evidence.download             own     ok     ok         deny          ok    ok      deny     login
GET  evidence.download             other   deny   ok         deny          ok    ok      deny     login
GET  evidence.print_view           own     ok     ok         deny          ok    ok      deny     login
GET  evidence.print_view           other   deny   ok         deny          ok    ok      deny     login
POST evidence.print_view           own     ok     ok         deny          ok    ok      deny     login
POST evidence.print_view           other   deny   ok         deny          ok    ok      deny     login
GET  evidence.print_pdf            own     ok     ok         deny          ok    ok      deny     login
GET  evidence.print_pdf            other   deny   ok         deny          ok    ok      deny     login
POST evidence.print_pdf            own     ok     ok         deny          ok    ok      deny     login
POST evidence.print_pdf            other   deny   ok         deny          ok    ok      deny     login
POST evidence.reveal_contact       own     deny   deny       deny          deny  deny    deny     login
POST evidence.reveal_contact       other   deny   deny       deny          deny  deny    deny     login
POST case_links.merge              own     ok     ok         deny          ok    deny    deny     login
POST case_links.merge              other   deny   ok         deny          ok    deny    deny     login
POST case_links.review             own     ok     ok         deny          ok    deny    deny     login
POST case_links.review             other   deny   ok         deny          ok    deny    deny     login
GET  supervisor.desk               -       deny   ok         deny          ok    ok      ok       login
GET  supervisor.supervision        -       deny   ok         deny          ok    ok      deny     login
POST supervisor.chase              own     deny   ok         deny          ok    deny    deny     login
POST supervisor.chase              other   deny   ok         deny          ok    deny    deny     login
GET  supervisor.chases             own     ok     ok         deny          ok    ok      deny     login
GET  supervisor.chases             other   deny   ok         deny          ok    ok      deny     login
GET  notices.index                 -       ok     ok         ok            ok    ok      ok       login
POST notices.mark_read             own     ok     ok         deny          deny  deny    deny     login
POST notices.mark_read             other   deny   deny       deny          deny  deny    deny     login
GET  owner.index                   -       deny   deny       ok            ok    deny    deny     login
POST owner.validate                -       deny   deny       ok            ok    deny    deny     login
POST owner.deploy                  -       deny   deny       ok            ok    deny    deny     login
GET  owner.definition              -       deny   deny       ok            ok    deny    deny     login
GET  owner.definition_file         -       deny   deny       ok            ok    deny    deny     login
GET  owner.diff                    -       deny   deny       ok            ok    deny    deny     login
GET  owner.modeler                 -       deny   deny       ok            ok    deny    deny     login
POST owner.modeler_validate        -       deny   deny       ok            ok    deny    deny     login
POST owner.migrate                 -       deny   deny       ok            ok    deny    deny     login
GET  reports.index                 -       deny   ok         deny          ok    ok      deny     login
GET  reports.export_csv            -       deny   ok         deny          ok    ok      deny     login
GET  reports.export_xlsx           -       deny   ok         deny          ok    ok      deny     login
GET  reports.static                -       deny   ok         deny          ok    ok      deny     login
GET  reports.regulator             -       deny   ok         deny          ok    ok      deny     login
GET  reports.regulator_csv         -       deny   ok         deny          ok    ok      deny     login
GET  reports.regulator_xlsx        -       deny   ok         deny          ok    ok      deny     login
GET  rectifications.index          -       ok     ok         ok            ok    ok      ok       login
GET  rectifications.new            own     deny   ok         deny          deny  deny    deny     login
GET  rectifications.new            other   deny   ok         deny          deny  deny    deny     login
POST rectifications.issue          own     deny   ok         deny          deny  deny    deny     login
POST rectifications.issue          other   deny   ok         deny          deny  deny    deny     login
GET  rectifications.show           own     ok     ok         deny          ok    ok      deny     login
GET  rectifications.show           other   deny   ok         deny          ok    ok      deny     login
POST rectifications.submit         own     ok     ok         deny          deny  deny    deny     login
POST rectifications.submit         other   deny   deny       deny          deny  deny    deny     login
POST rectifications.check          own     deny   ok         deny          deny  deny    deny     login
POST rectifications.check          other   deny   ok         deny          deny  deny    deny     login
GET  urgent.index                   -       ok     ok         ok            ok    ok      ok       login
GET  urgent.show                    own     ok     ok         deny          ok    ok      deny     login
GET  urgent.show                    other   deny   ok         deny          ok    ok      deny     login
POST urgent.contact                 own     ok     ok         deny          ok    deny    deny     login
POST urgent.contact                 other   deny   ok         deny          ok    deny    deny     login
POST urgent.task_force              own     deny   ok         deny          deny  deny    deny     login
POST urgent.task_force              other   deny   ok         deny          deny  deny    deny     login
POST urgent.progress                own     deny   deny       deny          deny  deny    deny     login
POST urgent.progress                other   deny   deny       deny          deny  deny    deny     login
GET  units.tree                    -       ok     ok         ok            ok    ok      ok       login
GET  search.page                   -       ok     ok         ok            ok    ok      ok       login
POST search.post                   -       ok     ok         ok            ok    ok      ok       login
GET  admin.users                   -       deny   deny       deny          ok    deny    deny     login
POST admin.add_membership          -       deny   deny       deny          ok    deny    deny     login
POST admin.remove_membership       -       deny   deny       deny          ok    deny    deny     login
GET  knowledge.index               -       ok     ok         ok            ok    ok      ok       login
GET  knowledge.similar             -       ok     ok         ok            ok    ok      ok       login
GET  knowledge.show                -       ok     ok         ok            ok    ok      ok       login
GET  knowledge.new                 own     deny   ok         deny          deny  deny    deny     login
GET  knowledge.new                 other   deny   ok         deny          deny  deny    deny     login
POST knowledge.create              own     deny   ok         deny          deny  deny    deny     login
POST knowledge.create              other   deny   ok         deny          deny  deny    deny     login
POST knowledge.update              -       deny   ok         deny          deny  deny    deny     login
POST knowledge.publish             -       deny   ok         deny          deny  deny    deny     login
POST alerts.issue                  -       deny   ok         deny          deny  deny    deny     login
GET  alerts.index                  -       ok     ok         ok            ok    ok      ok       login
GET  alerts.show                   -       deny   ok         deny          ok    ok      deny     login
POST alerts.acknowledge            -       ok     ok         deny          deny  deny    deny     login
""")

API_MATRIX = parse_matrix("""
# request                                   target  staff  supervisor process_owner admin auditor bizgroup anonymous
POST /api/v1/cases                          -       ok     ok         ok            ok    deny    ok       401
POST /api/v1/cases/search                   -       ok     ok         ok            ok    ok      ok       401
GET  /api/v1/cases/{ref}                    own     ok     ok         deny          ok    ok      deny     401
GET  /api/v1/cases/{ref}                    other   deny   ok         deny          ok    ok      deny     401
GET  /api/v1/cases/{ref}/customer-notices   own     ok     ok         deny          ok    ok      deny     401
GET  /api/v1/cases/{ref}/customer-notices   other   deny   ok         deny          ok    ok      deny     401
POST /api/v1/cases/{ref}/messages           own     ok     ok         deny          ok    deny    deny     401
POST /api/v1/cases/{ref}/messages           other   deny   ok         deny          ok    deny    deny     401
GET  /api/v1/cases/{ref}/clock              own     ok     ok         deny          ok    ok      deny     401
GET  /api/v1/cases/{ref}/clock              other   deny   ok         deny          ok    ok      deny     401
POST /api/v1/cases/{ref}/clock/extensions   own     ok     ok         deny          deny  deny    deny     401
POST /api/v1/cases/{ref}/clock/extensions   other   deny   ok         deny          deny  deny    deny     401
POST /api/v1/cases/{ref}/clock/pause        own     ok     ok         deny          deny  deny    deny     401
POST /api/v1/cases/{ref}/clock/pause        other   deny   ok         deny          deny  deny    deny     401
POST /api/v1/cases/{ref}/clock/resume       own     ok     ok         deny          deny  deny    deny     401
POST /api/v1/cases/{ref}/clock/resume       other   deny   ok         deny          deny  deny    deny     401
POST /api/v1/cases/{ref}/clock/restart      own     ok     ok         deny          deny  deny    deny     401
POST /api/v1/cases/{ref}/clock/restart      other   deny   ok         deny          deny  deny    deny     401
GET  /api/v1/clock/requests                 -       ok     ok         ok            ok    ok      ok       401
# deciding needs a person with a unit: API keys (even a supervisor's) are refused
POST /api/v1/clock/requests/{request_id}/decision - deny deny   deny          deny  deny    deny     401
GET  /api/v1/cases/{ref}/comments           own     ok     ok         deny          ok    ok      deny     401
GET  /api/v1/cases/{ref}/comments           other   deny   ok         deny          ok    ok      deny     401
POST /api/v1/cases/{ref}/comments           own     ok     ok         deny          ok    deny    deny     401
POST /api/v1/cases/{ref}/comments           other   deny   ok         deny          ok    deny    deny     401
GET  /api/v1/cases/{ref}/attachments        own     ok     ok         deny          ok    ok      deny     401
GET  /api/v1/cases/{ref}/attachments        other   deny   ok         deny          ok    ok      deny     401
POST /api/v1/cases/{ref}/attachments        own     ok     ok         deny          ok    deny    deny     401
POST /api/v1/cases/{ref}/attachments        other   deny   ok         deny          ok    deny    deny     401
GET  /api/v1/attachments/{attachment_id}    own     ok     ok         deny          ok    ok      deny     401
GET  /api/v1/attachments/{attachment_id}    other   deny   ok         deny          ok    ok      deny     401
POST /api/v1/tasks/{task_id}/contact        own     deny   deny       deny          deny  deny    deny     401
POST /api/v1/tasks/{task_id}/contact        other   deny   deny       deny          deny  deny    deny     401
GET  /api/v1/cases/{ref}/same-customer      own     ok     ok         deny          ok    ok      deny     401
GET  /api/v1/cases/{ref}/same-customer      other   deny   ok         deny          ok    ok      deny     401
POST /api/v1/cases/{ref}/merge              own     ok     ok         deny          ok    deny    deny     401
POST /api/v1/cases/{ref}/merge              other   deny   ok         deny          ok    deny    deny     401
POST /api/v1/cases/{ref}/review             own     ok     ok         deny          ok    deny    deny     401
POST /api/v1/cases/{ref}/review             other   deny   ok         deny          ok    deny    deny     401
GET  /api/v1/tasks                          -       ok     ok         ok            ok    ok      ok       401
GET  /api/v1/tasks/{task_id}                own     ok     ok         deny          ok    ok      deny     401
GET  /api/v1/tasks/{task_id}                other   deny   ok         deny          ok    ok      deny     401
POST /api/v1/tasks/{task_id}/claim          own     ok     ok         deny          deny  deny    deny     401
POST /api/v1/tasks/{task_id}/claim          other   deny   deny       deny          deny  deny    deny     401
POST /api/v1/tasks/{task_id}/unclaim        own     deny   ok         deny          ok    deny    deny     401
POST /api/v1/tasks/{task_id}/unclaim        other   deny   deny       deny          ok    deny    deny     401
POST /api/v1/tasks/{task_id}/complete       own     ok     ok         deny          deny  deny    deny     401
POST /api/v1/tasks/{task_id}/complete       other   deny   deny       deny          deny  deny    deny     401
POST /api/v1/tasks/{task_id}/chase          own     deny   ok         deny          ok    deny    deny     401
POST /api/v1/tasks/{task_id}/chase          other   deny   ok         deny          ok    deny    deny     401
GET  /api/v1/notices                        -       ok     ok         ok            ok    ok      ok       401
POST /api/v1/notices/{notice_id}/read       own     ok     ok         deny          deny  deny    deny     401
POST /api/v1/notices/{notice_id}/read       other   deny   deny       deny          deny  deny    deny     401
GET  /api/v1/definitions                    -       deny   deny       ok            ok    deny    deny     401
POST /api/v1/definitions                    -       deny   deny       ok            ok    deny    deny     401
POST /api/v1/definitions/validate           -       deny   deny       ok            ok    deny    deny     401
POST /api/v1/definitions/{process_key}/migrations -  deny   deny       ok            ok    deny    deny     401
GET  /api/v1/reports                        -       deny   ok         deny          ok    ok      deny     401
GET  /api/v1/reports/regulator              -       deny   ok         deny          ok    ok      deny     401
GET  /api/v1/rectifications                 -       ok     ok         ok            ok    ok      ok       401
POST /api/v1/rectifications                 own     deny   ok         deny          deny  deny    deny     401
POST /api/v1/rectifications                 other   deny   ok         deny          deny  deny    deny     401
GET  /api/v1/rectifications/{notice_id}     own     ok     ok         deny          ok    ok      deny     401
GET  /api/v1/rectifications/{notice_id}     other   deny   ok         deny          ok    ok      deny     401
POST /api/v1/rectifications/{notice_id}/submit own  ok     ok         deny          deny  deny    deny     401
POST /api/v1/rectifications/{notice_id}/submit other deny  deny       deny          deny  deny    deny     401
POST /api/v1/rectifications/{notice_id}/check own   deny   ok         deny          deny  deny    deny     401
POST /api/v1/rectifications/{notice_id}/check other deny   ok         deny          deny  deny    deny     401
GET  /api/v1/urgent                         -       ok     ok         ok            ok    ok      ok       401
GET  /api/v1/urgent/{case_id}               own     ok     ok         deny          ok    ok      deny     401
GET  /api/v1/urgent/{case_id}               other   deny   ok         deny          ok    ok      deny     401
POST /api/v1/urgent/{case_id}/first-contact own     ok     ok         deny          ok    deny    deny     401
POST /api/v1/urgent/{case_id}/first-contact other   deny   ok         deny          ok    deny    deny     401
PUT  /api/v1/urgent/{case_id}/task-force    own     deny   ok         deny          deny  deny    deny     401
PUT  /api/v1/urgent/{case_id}/task-force    other   deny   ok         deny          deny  deny    deny     401
POST /api/v1/urgent/{case_id}/progress      own     deny   deny       deny          deny  deny    deny     401
POST /api/v1/urgent/{case_id}/progress      other   deny   deny       deny          deny  deny    deny     401
GET  /api/v1/units                          -       ok     ok         ok            ok    ok      ok       401
GET  /api/v1/users                          -       deny   deny       deny          ok    deny    deny     401
POST /api/v1/users/{username}/memberships   -       deny   deny       deny          ok    deny    deny     401
DELETE /api/v1/users/{username}/memberships/{unit}/{department} - deny deny deny   ok    deny    deny     401
GET  /api/v1/knowledge                      -       ok     ok         ok            ok    ok      ok       401
POST /api/v1/knowledge                      own     deny   ok         deny          deny  deny    deny     401
POST /api/v1/knowledge                      other   deny   ok         deny          deny  deny    deny     401
GET  /api/v1/knowledge/{typical_id}         -       ok     ok         ok            ok    ok      ok       401
PUT  /api/v1/knowledge/{typical_id}         -       deny   ok         deny          deny  deny    deny     401
POST /api/v1/knowledge/{typical_id}/publish -       deny   ok         deny          deny  deny    deny     401
GET  /api/v1/alerts                         -       ok     ok         ok            ok    ok      ok       401
POST /api/v1/alerts                         -       deny   ok         deny          deny  deny    deny     401
GET  /api/v1/alerts/{alert_id}              -       deny   ok         deny          ok    ok      deny     401
POST /api/v1/alerts/{alert_id}/acknowledge  -       ok     ok         deny          deny  deny    deny     401
""")


@dataclass(frozen=True)
class Probe:
    """How to send one request: URL template (placeholders from the target), form or JSON body."""

    url: str
    body: dict[str, Any] | None = None
    fresh_session: bool = False  # signs in on its own client (the request ends or replaces the session)
    ends_session: bool = False  # permitted: redirect to sign in, and the session is over afterwards
    extra_allowed: frozenset[int] = field(default_factory=frozenset)


MISSING = {"case": "TS-20240927-999999", "case_id": 999999, "task": "00000000-0000-4000-8000-000000000000",
           "notice": 999999, "dept": "card_seat", "letter": 999999, "rectification": 999999, "attachment": 999999,
           **missing_knowledge()}

WEB_PROBES: dict[str, Probe] = {
    "GET static": Probe("/static/favicon.svg"),
    "GET health.healthz": Probe("/healthz"),
    "GET api_docs_page.docs": Probe("/api/v1/docs"),
    "GET api-docs.openapi_json": Probe("/api/v1/openapi.json"),
    "GET auth.login": Probe("/login"),
    "POST auth.login": Probe("/login", {"username": "nobody-{role}", "password": "wrong-password-123"},
                             fresh_session=True, extra_allowed=frozenset({401})),
    "POST auth.logout": Probe("/logout", {}, fresh_session=True, ends_session=True),
    "GET inbox.home": Probe("/"),
    "GET inbox.queue": Probe("/queue/{dept}"),
    "GET inbox.mine": Probe("/inbox"),
    "GET inbox.archive": Probe("/archive"),
    "POST inbox.claim": Probe("/tasks/{task}/claim", {}),
    "POST inbox.unclaim": Probe("/tasks/{task}/unclaim", {}),
    "POST inbox.reassign": Probe("/tasks/{task}/reassign", {"assignee": ""}),
    "GET task.show": Probe("/tasks/{task}"),
    "POST task.complete": Probe("/tasks/{task}", {}),
    "GET intake.form": Probe("/intake"),
    "POST intake.register": Probe("/intake", {}),
    "GET case.show": Probe("/cases/{case}"),
    "GET case.diagram": Probe("/cases/{case}/diagram.bpmn"),
    "GET case.audit": Probe("/cases/{case}/audit"),
    "POST case.reveal": Probe("/cases/{case}/reveal", {}),
    "GET customer_notices.letter": Probe("/customer-notices/{letter}/letter"),
    "POST customer_notices.mark_sent": Probe("/customer-notices/{letter}/sent", {}),
    "POST case.send_message": Probe("/cases/{case}/messages", {"message": "矩阵消息"}),
    "POST clock.extend": Probe("/cases/{case}/clock/extend", {"to_days": "60", "reason": "矩阵延期"}),
    "POST clock.pause": Probe("/cases/{case}/clock/pause", {"kind": "appraisal", "reason": "矩阵", "evidence": "矩阵"}),
    "POST clock.resume": Probe("/cases/{case}/clock/resume", {}),
    "POST clock.restart": Probe("/cases/{case}/clock/restart", {"facts_at": "2024-09-27T09:00", "reason": "矩阵"}),
    "GET clock.requests": Probe("/clock/requests"),
    "POST clock.decide": Probe("/clock/requests/999999/decide", {"decision": "approve", "opinion": ""}),
    "POST evidence.post_comment": Probe("/cases/{case}/comments", {"body": "矩阵备注"}),
    "POST evidence.upload": Probe("/cases/{case}/attachments", {}),
    "GET evidence.download": Probe("/attachments/{attachment}"),
    "GET evidence.print_view": Probe("/cases/{case}/print"),
    "POST evidence.print_view": Probe("/cases/{case}/print", {}),
    "GET evidence.print_pdf": Probe("/cases/{case}/print.pdf"),
    "POST evidence.print_pdf": Probe("/cases/{case}/print.pdf", {}),
    "POST evidence.reveal_contact": Probe("/tasks/{task}/contact", {}),
    # into itself: allowed, refused as a conflict (409), nothing changes
    "POST case_links.merge": Probe("/cases/{case}/merge", {"into": "{case}"}),
    # the case is still open: allowed, refused as a conflict (409), nothing changes
    "POST case_links.review": Probe("/cases/{case}/review", {"reason": "矩阵核查"}),
    "GET supervisor.desk": Probe("/supervisor/"),
    "GET supervisor.supervision": Probe("/supervisor/supervision"),
    "POST supervisor.chase": Probe("/supervisor/tasks/{task}/chase", {"reason": "矩阵催办"}),
    "GET supervisor.chases": Probe("/supervisor/tasks/{task}/chases"),
    "GET notices.index": Probe("/notices"),
    "POST notices.mark_read": Probe("/notices/{notice}/read", {}),
    "GET owner.index": Probe("/owner/"),
    "POST owner.validate": Probe("/owner/validate", {}),
    "POST owner.deploy": Probe("/owner/deploy", {}),
    "GET owner.definition": Probe("/owner/definitions/{definition}"),
    "GET owner.definition_file": Probe("/owner/definitions/{definition}/files/{file}"),
    "GET owner.diff": Probe("/owner/definitions/{definition}/diff/{file}?against={definition}"),
    "GET owner.modeler": Probe("/owner/definitions/{definition}/edit/{file}"),
    "POST owner.modeler_validate": Probe("/owner/definitions/{definition}/edit/{file}", {"xml": ""}),
    "POST owner.migrate": Probe("/owner/definitions/{definition}/migrate", {"run": "dry"}),
    "GET reports.index": Probe("/reports/"),
    "GET reports.export_csv": Probe("/reports/export/monthly.csv"),
    "GET reports.export_xlsx": Probe("/reports/export/all.xlsx"),
    "GET reports.static": Probe("/reports/static/reports.css"),
    "GET reports.regulator": Probe("/reports/regulator?year=2024&quarter=4"),
    "GET reports.regulator_csv": Probe("/reports/regulator.csv?year=2024&quarter=4"),
    "GET reports.regulator_xlsx": Probe("/reports/regulator.xlsx?year=2024&quarter=4"),
    "GET rectifications.index": Probe("/rectifications"),
    "GET rectifications.new": Probe("/rectifications/new?case={case}"),
    # permitted: refused as invalid (no time allowed, 422), nothing is issued
    "POST rectifications.issue": Probe("/rectifications/new", {"case": "{case}", "unit": "SH01",
                                                               "department": "branch_front", "requirement": "矩阵",
                                                               "workdays": "0"}),
    "GET rectifications.show": Probe("/rectifications/{rectification}"),
    # permitted: refused as invalid (no measures given, 422)
    "POST rectifications.submit": Probe("/rectifications/{rectification}/submit", {"measures": "", "evidence": ""}),
    # permitted: the notice has no measures yet, so there is nothing to check (a flash and a redirect)
    "POST rectifications.check": Probe("/rectifications/{rectification}/check", {"decision": "accept"}),
    "GET urgent.index": Probe("/urgent"),
    "GET urgent.show": Probe("/cases/{case}/urgent"),
    # permitted: refused as invalid (personal data in the note, 422), nothing is recorded
    "POST urgent.contact": Probe("/cases/{case}/urgent/contact", {"method": "phone", "note": "13800001111"}),
    # permitted: an unknown unit (422); the world's task forces are not formed, so nobody reports progress
    "POST urgent.task_force": Probe("/cases/{case}/urgent/task-force", {"members": "XX9:office", "lead": "XX9:office"}),
    "POST urgent.progress": Probe("/cases/{case}/urgent/progress", {"text": "矩阵进展"}),
    "GET units.tree": Probe("/units"),
    "GET search.page": Probe("/search?number={case}"),
    "POST search.post": Probe("/search", {"q": "{case}"}),
    "GET admin.users": Probe("/admin/users"),
    # an admin's change names a unit that does not exist: allowed, refused as invalid (422), nothing changes
    "POST admin.add_membership": Probe("/admin/users/m_staff/memberships",
                                       {"unit": "XX9", "department": "branch_front"}),
    "POST admin.remove_membership": Probe("/admin/users/m_staff/memberships/remove",
                                          {"membership": "XX9:branch_front"}),
    # the world's complaints are open: a permitted draft ends in 409 (only closed complaints become typical cases)
    "GET knowledge.index": Probe("/knowledge?q=矩阵"),
    "GET knowledge.similar": Probe("/knowledge/similar?category=deposits&cause=fees"),
    "GET knowledge.show": Probe("/knowledge/{typical}"),
    "GET knowledge.new": Probe("/knowledge/new?case={case}", extra_allowed=frozenset({409})),
    "POST knowledge.create": Probe("/knowledge/new", {"case": "{case}", "title": "矩阵"}),
    "POST knowledge.update": Probe("/knowledge/{draft}", {"title": "矩阵", "version": "0"}),
    "POST knowledge.publish": Probe("/knowledge/{draft}/publish", {"version": "0"}),
    "POST alerts.issue": Probe("/knowledge/{typical}/alerts", {"title": ""}),
    "GET alerts.index": Probe("/alerts"),
    "GET alerts.show": Probe("/alerts/{alert}"),
    "POST alerts.acknowledge": Probe("/alerts/{alert}/acknowledge", {}),
}

API_PROBES: dict[str, Probe] = {
    "POST /api/v1/cases": Probe("/api/v1/cases", {}),
    "POST /api/v1/cases/search": Probe("/api/v1/cases/search", {"number": "{case}"}),
    "GET /api/v1/cases/{ref}": Probe("/api/v1/cases/{case}"),
    "GET /api/v1/cases/{ref}/customer-notices": Probe("/api/v1/cases/{case}/customer-notices"),
    "POST /api/v1/cases/{ref}/messages": Probe("/api/v1/cases/{case}/messages", {"message": "矩阵消息"}),
    "GET /api/v1/cases/{ref}/clock": Probe("/api/v1/cases/{case}/clock"),
    "POST /api/v1/cases/{ref}/clock/extensions": Probe("/api/v1/cases/{case}/clock/extensions",
                                                       {"to_days": 60, "reason": "矩阵延期"}),
    "POST /api/v1/cases/{ref}/clock/pause": Probe("/api/v1/cases/{case}/clock/pause",
                                                  {"kind": "appraisal", "reason": "矩阵", "evidence": "矩阵"}),
    "POST /api/v1/cases/{ref}/clock/resume": Probe("/api/v1/cases/{case}/clock/resume", {}),
    "POST /api/v1/cases/{ref}/clock/restart": Probe("/api/v1/cases/{case}/clock/restart",
                                                    {"facts_at": "2024-09-27T09:00:00+08:00", "reason": "矩阵"}),
    "GET /api/v1/clock/requests": Probe("/api/v1/clock/requests"),
    "POST /api/v1/clock/requests/{request_id}/decision": Probe("/api/v1/clock/requests/999999/decision",
                                                              {"approve": True, "opinion": "矩阵"}),
    "GET /api/v1/cases/{ref}/comments": Probe("/api/v1/cases/{case}/comments"),
    "POST /api/v1/cases/{ref}/comments": Probe("/api/v1/cases/{case}/comments", {"body": "矩阵备注"}),
    "GET /api/v1/cases/{ref}/attachments": Probe("/api/v1/cases/{case}/attachments"),
    "POST /api/v1/cases/{ref}/attachments": Probe("/api/v1/cases/{case}/attachments?name=matrix.png", {}),
    "GET /api/v1/attachments/{attachment_id}": Probe("/api/v1/attachments/{attachment}"),
    "POST /api/v1/tasks/{task_id}/contact": Probe("/api/v1/tasks/{task}/contact", {}),
    "GET /api/v1/cases/{ref}/same-customer": Probe("/api/v1/cases/{case}/same-customer"),
    "POST /api/v1/cases/{ref}/merge": Probe("/api/v1/cases/{case}/merge", {"into": "{case}"}),
    "POST /api/v1/cases/{ref}/review": Probe("/api/v1/cases/{case}/review", {"reason": "矩阵核查"}),
    "GET /api/v1/tasks": Probe("/api/v1/tasks"),
    "GET /api/v1/tasks/{task_id}": Probe("/api/v1/tasks/{task}"),
    "POST /api/v1/tasks/{task_id}/claim": Probe("/api/v1/tasks/{task}/claim", {}),
    "POST /api/v1/tasks/{task_id}/unclaim": Probe("/api/v1/tasks/{task}/unclaim", {}),
    "POST /api/v1/tasks/{task_id}/complete": Probe("/api/v1/tasks/{task}/complete", {"data": {}}),
    "POST /api/v1/tasks/{task_id}/chase": Probe("/api/v1/tasks/{task}/chase", {"reason": "矩阵催办"}),
    "GET /api/v1/notices": Probe("/api/v1/notices"),
    "POST /api/v1/notices/{notice_id}/read": Probe("/api/v1/notices/{notice}/read"),
    "GET /api/v1/definitions": Probe("/api/v1/definitions"),
    "POST /api/v1/definitions": Probe("/api/v1/definitions", {"files": {"matrix.bpmn": "<not-a-diagram"}}),
    "POST /api/v1/definitions/validate": Probe("/api/v1/definitions/validate",
                                               {"files": {"matrix.bpmn": "<not-a-diagram"}}),
    "POST /api/v1/definitions/{process_key}/migrations": Probe("/api/v1/definitions/branch_complaint/migrations",
                                                               {"to_version": 1}),
    "GET /api/v1/reports": Probe("/api/v1/reports"),
    "GET /api/v1/reports/regulator": Probe("/api/v1/reports/regulator?year=2024&quarter=4"),
    "GET /api/v1/rectifications": Probe("/api/v1/rectifications"),
    # permitted: an unknown responsible unit (422), nothing is issued
    "POST /api/v1/rectifications": Probe("/api/v1/rectifications", {
        "case_id": "{case_id}", "unit": "XX9", "department": "branch_front", "requirement": "矩阵",
        "issuer_unit": "HO", "issuer_department": "complaint_mgmt"}),
    "GET /api/v1/rectifications/{notice_id}": Probe("/api/v1/rectifications/{rectification}"),
    "POST /api/v1/rectifications/{notice_id}/submit": Probe("/api/v1/rectifications/{rectification}/submit",
                                                            {"measures": "矩阵", "evidence": "矩阵"}),
    "POST /api/v1/rectifications/{notice_id}/check": Probe("/api/v1/rectifications/{rectification}/check",
                                                           {"accepted": True}),
    "GET /api/v1/urgent": Probe("/api/v1/urgent"),
    "GET /api/v1/urgent/{case_id}": Probe("/api/v1/urgent/{case_id}"),
    "POST /api/v1/urgent/{case_id}/first-contact": Probe("/api/v1/urgent/{case_id}/first-contact",
                                                         {"method": "phone", "note": "13800001111"}),
    "PUT /api/v1/urgent/{case_id}/task-force": Probe("/api/v1/urgent/{case_id}/task-force", {
        "members": [{"unit": "XX9", "department": "office"}], "lead": {"unit": "XX9", "department": "office"}}),
    "POST /api/v1/urgent/{case_id}/progress": Probe("/api/v1/urgent/{case_id}/progress", {"text": "矩阵进展"}),
    "GET /api/v1/units": Probe("/api/v1/units"),
    "GET /api/v1/users": Probe("/api/v1/users"),
    "POST /api/v1/users/{username}/memberships": Probe("/api/v1/users/m_staff/memberships",
                                                       {"unit": "XX9", "department": "branch_front"}),
    "DELETE /api/v1/users/{username}/memberships/{unit}/{department}": Probe(
        "/api/v1/users/m_staff/memberships/XX9/branch_front"),
    "GET /api/v1/knowledge": Probe("/api/v1/knowledge?q=矩阵"),
    "POST /api/v1/knowledge": Probe("/api/v1/knowledge", {"case": "{case}", "title": "矩阵", "facts": "矩阵",
                                                          "analysis": "矩阵", "resolution": "矩阵", "lessons": "矩阵"}),
    "GET /api/v1/knowledge/{typical_id}": Probe("/api/v1/knowledge/{typical}"),
    "PUT /api/v1/knowledge/{typical_id}": Probe("/api/v1/knowledge/{draft}", {
        "title": "矩阵", "facts": "矩阵", "analysis": "矩阵", "resolution": "矩阵", "lessons": "矩阵", "version": 99}),
    "POST /api/v1/knowledge/{typical_id}/publish": Probe("/api/v1/knowledge/{draft}/publish", {"version": 99}),
    "GET /api/v1/alerts": Probe("/api/v1/alerts"),
    "POST /api/v1/alerts": Probe("/api/v1/alerts", {"typical_case": "{typical}", "title": "", "message": "",
                                                    "recipients": []}),
    "GET /api/v1/alerts/{alert_id}": Probe("/api/v1/alerts/{alert}"),
    "POST /api/v1/alerts/{alert_id}/acknowledge": Probe("/api/v1/alerts/{alert}/acknowledge"),
}
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
CSRF_VALUE = re.compile(r'name="csrf_token" value="[^"]*"')


@pytest.fixture(scope="module", params=databases_on_one_worker("access_matrix"))
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The seeded data set, once per database for this module."""
    with seeded_world(str(request.param), tmp_path_factory.mktemp("matrix")) as seeded:
        yield seeded


def openapi_operations(world: World) -> set[str]:
    """`METHOD /path` of every operation in the served OpenAPI document."""
    spec = world.app.test_client().get("/api/v1/openapi.json").json or {}
    return {f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops
            if method in HTTP_METHODS}


def web_requests(world: World) -> set[str]:
    """`METHOD endpoint` of every route that is not an API operation of the OpenAPI document."""
    api_endpoints = {name for name in world.app.view_functions if name.startswith("api_") and
                     name not in ("api_docs_page.docs",)}
    found = set()
    for rule in world.app.url_map.iter_rules():
        if rule.endpoint in api_endpoints:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.add(f"{method} {rule.endpoint}")
    return found


def test_every_web_route_has_matrix_rows(world: World) -> None:
    """A new page (or method) must be added to WEB_MATRIX and WEB_PROBES."""
    routes = web_requests(world)
    assert routes == WEB_MATRIX.requests(), (routes ^ WEB_MATRIX.requests())
    assert routes == set(WEB_PROBES)
    api_rules = {r.rule for r in world.app.url_map.iter_rules() if r.endpoint.startswith("api_")
                 and r.endpoint != "api_docs_page.docs"}
    assert len(api_rules) == len({op.split(" ", 1)[1] for op in openapi_operations(world)}), \
        "every API route must be an operation of the OpenAPI document"


def test_every_api_operation_has_matrix_rows(world: World) -> None:
    """A new API operation must be added to API_MATRIX and API_PROBES."""
    operations = openapi_operations(world)
    assert operations == API_MATRIX.requests(), (operations ^ API_MATRIX.requests())
    assert operations == set(API_PROBES)


def _values(world: World, target: str, role: str, missing: bool = False) -> dict[str, Any]:
    values = dict(MISSING) if missing else world.targets["own" if target == "-" else target].values() | world.knowledge
    return values | {"definition": world.definition_id, "file": world.definition_file, "role": role}


def _fill(template: Any, values: dict[str, Any]) -> Any:
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    return template


def _web_client(world: World, role: str, probe: Probe) -> FlaskClient:
    if not probe.fresh_session:
        return world.client(role)
    client = world.app.test_client()
    if role != "anonymous":
        sign_in(client, USER_OF_ROLE[role])
    return client


def send_web(world: World, request: str, target: str, role: str, missing: bool = False) -> TestResponse:
    """Send one page request of the matrix (a sign-out: then check the session is over)."""
    method, _name = request.split(" ", 1)
    probe = WEB_PROBES[request]
    values = _values(world, target, role, missing)
    client = _web_client(world, role, probe)
    response = client.open(_fill(probe.url, values), method=method, data=_fill(probe.body, values))
    if probe.ends_session and role != "anonymous" and is_login_redirect(response):
        assert is_login_redirect(client.get("/inbox")), f"{request} as {role}: still signed in"
        response.status_code = 204  # signed out as asked: the matrix's "ok"
    return response


def send_api(world: World, request: str, target: str, role: str, missing: bool = False) -> TestResponse:
    """Send one API request of the matrix with the role's key."""
    method, _path = request.split(" ", 1)
    probe = API_PROBES[request]
    values = _values(world, target, role, missing)
    client = world.app.test_client()
    return client.open(_fill(probe.url, values), method=method, headers=world.keys[role],
                       json=_fill(probe.body, values))


def _caller(role: str, api: bool) -> str:
    return f"api:{KEY_OF_ROLE[role]}" if api else USER_OF_ROLE[role]


def check_denial(world: World, response: TestResponse, target: str, caller: str, since: int) -> str:
    """'' when the denied request was audited for its caller and its body tells nothing of the target."""
    problems = []
    denied = [e for e in world.events_since(since, "access_denied") if e.actor == caller]
    if not denied:
        problems.append("no access_denied audit event")
    if target != "-":
        body = response.get_data(as_text=True)
        leaked = [s for s in world.targets[target].secrets() if s in body]
        if leaked:
            problems.append(f"body leaks {leaked}")
    return "; ".join(problems)


def run_matrix(world: World, cells: dict[tuple[str, str, str], str], api: bool) -> list[str]:
    """Send every cell's request; the failures, one line each."""
    send = send_api if api else send_web
    failures = []
    for (request, target, role), outcome in sorted(cells.items()):
        since = world.last_event_id()
        response = send(world, request, target, role)
        probe = (API_PROBES if api else WEB_PROBES)[request]
        problem = judge(response, request.split(" ", 1)[0], outcome, probe.extra_allowed)
        if not problem and outcome == "deny" and role != "anonymous":
            problem = check_denial(world, response, target, _caller(role, api), since)
        if request.startswith("POST"):
            world.restore()
        if problem:
            failures.append(f"{request} [{target}] as {role}: {problem}")
    return failures


def test_web_access_matrix(world: World) -> None:
    """Every page × role × department gives the outcome of WEB_MATRIX."""
    failures = run_matrix(world, WEB_MATRIX.cells, api=False)
    assert not failures, "\n".join(failures)


def test_api_access_matrix(world: World) -> None:
    """Every API operation × role × department gives the outcome of API_MATRIX."""
    failures = run_matrix(world, API_MATRIX.cells, api=True)
    assert not failures, "\n".join(failures)


def _strip(response: TestResponse, values: dict[str, Any]) -> str:
    """The body without what differs by design: the id asked for and the page's CSRF token."""
    body = CSRF_VALUE.sub("", response.get_data(as_text=True))
    for text in (values["case"], values["task"], f"/notices/{values['notice']}/", f"notice {values['notice']} ",
                 f"/customer-notices/{values['letter']}/", f"/rectifications/{values['rectification']}?",
                 f"/rectifications/{values['rectification']}/", f"/rectifications/{values['rectification']}\"",
                 f"rectification {values['rectification']} ",
                 f"/attachments/{values['attachment']}?", f"/attachments/{values['attachment']}\"",
                 f"attachment {values['attachment']} ", f"/api/v1/urgent/{values['case_id']}",
                 f"case {values['case_id']} "):
        body = body.replace(str(text), "<id>")
    return body


@pytest.mark.parametrize("api", [False, True], ids=["web", "api"])
def test_another_departments_object_looks_like_a_missing_one(world: World, api: bool) -> None:
    """Asking by number/id for a case or task one may not see answers exactly as for one that does not exist."""
    matrix, send = (API_MATRIX, send_api) if api else (WEB_MATRIX, send_web)
    compared = 0
    for (request, target, role), outcome in sorted(matrix.cells.items()):
        if target != "other" or outcome != "deny" or role == "anonymous":
            continue
        denied = send(world, request, target, role)
        if denied.status_code != 404:
            continue
        missing = send(world, request, target, role, missing=True)
        assert missing.status_code == 404, (request, role)
        assert _strip(denied, world.targets["other"].values()) == _strip(missing, MISSING), (request, role)
        compared += 1
        world.restore()
    assert compared >= 10


def test_lists_of_staff_show_nothing_of_another_department(world: World) -> None:
    """Queues, inbox, archive, notices and the task list (even filtered by the other department) stay in scope."""
    other = world.targets["other"]
    client = world.client("staff")
    pages = ["/", "/queue/branch_front", "/inbox", "/archive", "/notices", "/notices?unread=1"]
    api = ["/api/v1/tasks", f"/api/v1/tasks?department={other.dept}", "/api/v1/tasks?status=claimed",
           "/api/v1/notices"]
    responses = [client.get(url, follow_redirects=True) for url in pages]
    responses += [world.app.test_client().get(url, headers=world.keys["staff"]) for url in api]
    for response in responses:
        assert response.status_code == 200, response.request.path
        body = response.get_data(as_text=True)
        assert other.case not in body and other.task not in body, response.request.path
        assert not [s for s in other.secrets() if s in body], response.request.path
    own_list = world.app.test_client().get("/api/v1/tasks?status=claimed", headers=world.keys["staff"]).json or {}
    # the list itself works; an API key has no unit: it acts for its department in every outlet
    assert {t["id"] for t in own_list["items"]} == {world.targets[t].task for t in ("own", "outlet", "branch")}


@pytest.mark.parametrize("api", [False, True], ids=["web", "api"])
def test_a_chase_by_the_business_group_does_not_open_the_case(world: World, api: bool) -> None:
    """The business group chases only tasks it can see: a chase of another department's task is a 404 like a
    missing task, audited, sends nothing, and leaves the case as unreadable as before (web and API)."""
    clock = clock_of(world.engine)
    start = clock.now()
    clock.advance(timedelta(minutes=world.engine.ctx.settings.manual_chase_interval_minutes + 1))
    try:  # past the interval since the seeded chases: a permitted chase would be sent
        web = world.app.test_client()
        sign_in(web, USER_OF_ROLE["bizgroup"])
        key, api_client = world.keys["bizgroup"], world.app.test_client()
        for target in world.targets.values():
            since = world.last_event_id()
            if api:
                chased = api_client.post(f"/api/v1/tasks/{target.task}/chase", headers=key,
                                         json={"reason": "越权催办"})
            else:
                chased = web.post(f"/supervisor/tasks/{target.task}/chase", data={"reason": "越权催办"})
            readable = [web.get(f"/cases/{target.case}").status_code,
                        api_client.get(f"/api/v1/cases/{target.case}", headers=key).status_code]
            assert (chased.status_code, readable) == (404, [404, 404]), target.dept
            assert [e.action for e in world.events_since(since)] == ["access_denied"] * 3
    finally:
        clock.set(start)


# Units: the SH01 front desk (`staff`) and the Shanghai branch supervisor (`branch_sup`, SH:service_mgmt)
# against the front-desk task of outlet SH02 (same branch, another outlet) and of outlet BJ01 (another
# branch). API operations are called with the signed-in session, as the UI's pages do: API keys have no
# unit and act for their departments in every unit.
UNIT_MATRIX = parse_matrix("""
# request                                 target  staff  branch_sup
GET  task.show                            outlet  deny   ok
GET  task.show                            branch  deny   deny
POST inbox.claim                          outlet  deny   deny
POST inbox.claim                          branch  deny   deny
POST task.complete                        outlet  deny   deny
GET  case.show                            outlet  deny   ok
GET  case.show                            branch  deny   deny
GET  case.diagram                         outlet  deny   ok
GET  case.diagram                         branch  deny   deny
GET  case.audit                           outlet  deny   ok
GET  case.audit                           branch  deny   deny
POST supervisor.chase                     outlet  deny   ok
POST supervisor.chase                     branch  deny   deny
GET  supervisor.chases                    outlet  deny   ok
GET  supervisor.chases                    branch  deny   deny
GET  /api/v1/tasks/{task_id}              outlet  deny   ok
GET  /api/v1/tasks/{task_id}              branch  deny   deny
POST /api/v1/tasks/{task_id}/claim        outlet  deny   deny
GET  /api/v1/cases/{ref}                  outlet  deny   ok
GET  /api/v1/cases/{ref}                  branch  deny   deny
POST /api/v1/tasks/{task_id}/chase        outlet  deny   ok
POST /api/v1/tasks/{task_id}/chase        branch  deny   deny
POST notices.mark_read                    outlet  deny   deny
POST notices.mark_read                    branch  deny   deny
POST /api/v1/notices/{notice_id}/read     outlet  deny   deny
POST /api/v1/notices/{notice_id}/read     branch  deny   deny
""", roles=("staff", "branch_sup"), targets=("outlet", "branch"))


def send_as_person(world: World, request: str, target: str, username: str) -> TestResponse:
    """One request of the unit matrix with `username`'s signed-in session (pages and API alike)."""
    method, name = request.split(" ", 1)
    probe = API_PROBES[request] if name.startswith("/api/") else WEB_PROBES[request]
    values = _values(world, target, "staff")
    client = world.app.test_client()
    sign_in(client, username)
    if name.startswith("/api/"):
        token = CSRF_TOKEN.search(client.get("/").get_data(as_text=True))
        headers = {"X-CSRFToken": token.group(1)} if token else {}
        return client.open(_fill(probe.url, values), method=method, json=_fill(probe.body, values), headers=headers)
    return client.open(_fill(probe.url, values), method=method, data=_fill(probe.body, values))


CSRF_TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')


def test_unit_access_matrix(world: World) -> None:
    """Outlet staff see only their outlet; a branch supervisor reads and chases its outlets, not another branch's."""
    clock = clock_of(world.engine)
    start = clock.now()
    clock.advance(timedelta(minutes=world.engine.ctx.settings.manual_chase_interval_minutes + 1))
    failures = []
    try:
        for (request, target, role), outcome in sorted(UNIT_MATRIX.cells.items()):
            username = UNIT_USER_OF_ROLE[role]
            since = world.last_event_id()
            response = send_as_person(world, request, target, username)
            problem = judge(response, request.split(" ", 1)[0], outcome)
            if not problem and outcome == "deny":
                problem = check_denial(world, response, target, username, since)
            if request.startswith("POST"):
                world.restore()
            if problem:
                failures.append(f"{request} [{target}] as {role}: {problem}")
    finally:
        clock.set(start)
    assert not failures, "\n".join(failures)


def test_unit_lists_stay_in_the_units(world: World) -> None:
    """The SH01 desk's lists (tasks, notices to its front desk) show neither outlet's work; the Shanghai
    supervisor's desk lists SH02's, not BJ01's, and its reports narrow to SH02, not to BJ01."""
    staff = world.app.test_client()
    sign_in(staff, UNIT_USER_OF_ROLE["staff"])
    for url in ("/queue/branch_front", "/api/v1/tasks", "/api/v1/tasks?department=branch_front", "/notices",
                "/api/v1/notices"):
        body = staff.get(url, follow_redirects=True).get_data(as_text=True)
        for target in ("outlet", "branch"):
            assert world.targets[target].task not in body, (url, target)
            assert world.targets[target].case not in body, (url, target)
    supervisor = world.app.test_client()
    sign_in(supervisor, UNIT_USER_OF_ROLE["branch_sup"])
    listed = supervisor.get("/api/v1/tasks?status=claimed").json or {}
    ids = {t["id"] for t in listed["items"]}
    assert world.targets["outlet"].task in ids
    assert world.targets["branch"].task not in ids and world.targets["own"].task in ids
    assert supervisor.get("/reports/export/monthly.csv?unit=SH02").status_code == 200
    assert supervisor.get("/reports/export/monthly.csv?unit=BJ01").status_code == 422
