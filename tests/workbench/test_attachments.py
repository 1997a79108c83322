"""Attachments: the type recognised from the content, the size limited by configuration, bytes in the blob
store (a folder, or a real S3-compatible server on loopback) with their SHA-256, downloads audited and refused
(NotFound) to a unit that may not see the case."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from engine.config import AttachmentSettings, S3Settings
from engine.domain.errors import Forbidden, NotFound, ValidationFailed
from engine.domain.evidence import AttachmentLimits
from engine.storage import open_store
from engine.storage.blobs import FilesystemStore
from tests.support.driver import audit_actions, task_by_bpmn_id
from tests.support.engines import make_engine
from tests.workbench.evidence_support import add_people, open_shanghai_case, pdf_bytes, png_bytes, wav_bytes, who


def test_an_upload_is_stored_with_its_checksum_and_downloaded_by_a_permitted_user(people):
    case_id = open_shanghai_case(people)
    data = wav_bytes()
    stored = people.attachments.upload(case_id, "通话录音.mp3", data, who(people, "front_sh"))
    assert (stored.media_type, stored.kind.value, stored.size) == ("audio/wav", "recording", len(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.name == "通话录音.mp3"  # the name is kept as given; the type comes from the content
    assert isinstance(people.attachments.store, FilesystemStore)
    assert (people.ctx.settings.instance_dir / "attachments" / stored.storage_key).read_bytes() == data
    got = people.attachments.download(stored.id, who(people, "sup_sh"))
    assert got.data == data
    assert [(e.actor, e.data["sha256"]) for e in audit_actions(people, case_id, "attachment_added")] == [
        ("front_sh", stored.sha256)]
    assert [e.actor for e in audit_actions(people, case_id, "attachment_downloaded")] == ["sup_sh"]


def test_another_unit_gets_not_found_and_the_refusal_is_audited(people):
    case_id = open_shanghai_case(people)
    stored = people.attachments.upload(case_id, "截图.png", png_bytes(), who(people, "front_sh"))
    outsider = who(people, "front_bj")
    with pytest.raises(NotFound):
        people.attachments.download(stored.id, outsider)
    with pytest.raises(NotFound):
        people.attachments.for_case(case_id, outsider)
    with pytest.raises(NotFound):
        people.attachments.upload(case_id, "x.png", png_bytes(), outsider)
    assert [e.data["action"] for e in audit_actions(people, case_id, "access_denied")] == [
        "download_attachment", "view_attachments", "attach"]
    assert audit_actions(people, case_id, "attachment_downloaded") == []
    assert len(people.attachments.for_case(case_id, who(people, "front_sh"))) == 1


def test_a_task_attachment_belongs_to_a_task_of_that_case(people):
    case_id, other_case = open_shanghai_case(people), open_shanghai_case(people)
    task = task_by_bpmn_id(people, case_id, "Task_OnSpot")
    stored = people.attachments.upload(case_id, "凭证.pdf", pdf_bytes(), who(people, "front_sh"), task.id)
    assert (stored.task_id, stored.kind.value) == (task.id, "pdf")
    with pytest.raises(NotFound):
        people.attachments.upload(other_case, "凭证.pdf", pdf_bytes(), who(people, "front_sh"), task.id)
    assert people.attachments.for_case(other_case, who(people, "front_sh")) == []


@pytest.mark.parametrize(("name", "data", "code"), [
    ("empty.png", b"", "attachment_empty"),
    ("script.png", b"<script>alert(1)</script>" * 10, "attachment_type"),
    ("tool.pdf", b"MZ\x90\x00" + b"\x00" * 200, "attachment_type"),
])
def test_content_decides_the_type_and_bad_files_change_nothing(people, name, data, code):
    case_id = open_shanghai_case(people)
    with pytest.raises(ValidationFailed) as refused:
        people.attachments.upload(case_id, name, data, who(people, "front_sh"))
    assert [c for c, _ in refused.value.coded["file"]] == [code]
    assert people.attachments.for_case(case_id, who(people, "front_sh")) == []
    assert audit_actions(people, case_id, "attachment_added") == []
    folder = people.ctx.settings.instance_dir / "attachments"
    assert not folder.exists() or not [p for p in folder.rglob("*") if p.is_file()]


def test_size_and_types_come_from_the_configuration(db_url, tmp_path):
    limits = AttachmentLimits(max_bytes=1000, types=("pdf",))
    eng = make_engine(db_url, tmp_path, attachments=AttachmentSettings(limits=limits))
    try:
        add_people(eng)
        case_id = open_shanghai_case(eng)
        with pytest.raises(ValidationFailed) as too_big:
            eng.attachments.upload(case_id, "big.wav", wav_bytes(2000), who(eng, "front_sh"))
        assert too_big.value.coded["file"] == [("attachment_too_large", {"limit": "1000"})]
        with pytest.raises(ValidationFailed) as not_accepted:
            eng.attachments.upload(case_id, "shot.png", png_bytes(), who(eng, "front_sh"))
        assert not_accepted.value.coded["file"] == [("attachment_type", {"allowed": "pdf"})]
        assert eng.attachments.upload(case_id, "ok.pdf", pdf_bytes(), who(eng, "front_sh")).kind.value == "pdf"
    finally:
        eng.dispose()


def test_auditors_download_but_do_not_upload(people):
    case_id = open_shanghai_case(people)
    stored = people.attachments.upload(case_id, "a.png", png_bytes(), who(people, "front_sh"))
    with pytest.raises(Forbidden):
        people.attachments.upload(case_id, "b.png", png_bytes(), who(people, "audit1"))
    assert people.attachments.download(stored.id, who(people, "audit1")).data == png_bytes()


def test_bytes_changed_in_the_store_are_not_served(people):
    case_id = open_shanghai_case(people)
    stored = people.attachments.upload(case_id, "a.png", png_bytes(), who(people, "front_sh"))
    path = people.ctx.settings.instance_dir / "attachments" / stored.storage_key
    path.write_bytes(png_bytes() + b"tampered")
    with pytest.raises(RuntimeError, match="checksum"):
        people.attachments.download(stored.id, who(people, "front_sh"))


def s3_settings(endpoint: str, bucket: str) -> AttachmentSettings:
    return AttachmentSettings(storage="s3", s3=S3Settings(endpoint_url=endpoint, bucket=bucket, access_key="test",
                                                          secret_key="test", prefix="cf/"))


def test_the_s3_store_keeps_attachments_in_the_bucket(db_url, tmp_path, s3_endpoint):
    settings = s3_settings(s3_endpoint, f"evidence-{tmp_path.name.lower()[-20:].replace('_', '-')}")
    eng = make_engine(db_url, tmp_path, attachments=settings)
    try:
        eng.attachments.store.client.create_bucket(Bucket=settings.s3.bucket)
        add_people(eng)
        case_id = open_shanghai_case(eng)
        stored = eng.attachments.upload(case_id, "录音.wav", wav_bytes(), who(eng, "front_sh"))
        obj = eng.attachments.store.client.get_object(Bucket=settings.s3.bucket, Key="cf/" + stored.storage_key)
        assert obj["Body"].read() == wav_bytes() and obj["ContentType"] == "audio/wav"
        assert eng.attachments.download(stored.id, who(eng, "sup_sh")).data == wav_bytes()
        with pytest.raises(NotFound):
            eng.attachments.download(stored.id, who(eng, "front_bj"))
        assert not Path(tmp_path / "attachments").exists()
    finally:
        eng.dispose()


def test_an_s3_setting_without_a_bucket_is_refused_at_start():
    from engine.domain.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="COMPLAINTFLOW_S3_BUCKET"):
        open_store(AttachmentSettings(storage="s3"))
    with pytest.raises(ConfigurationError, match="filesystem or s3"):
        open_store(AttachmentSettings(storage="ftp"))
