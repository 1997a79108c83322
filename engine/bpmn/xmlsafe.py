"""Hardened XML parsing for uploaded diagrams: no DTDs, no entities, no network, bounded size."""

from __future__ import annotations

import re

from lxml import etree  # type: ignore[import-untyped]

from engine.domain.errors import DeployProblem

DEFAULT_MAX_BYTES = 2_000_000
FILE_ELEMENT = "(file)"

# Checked on the raw bytes with NUL bytes removed, so UTF-16/UTF-32 input cannot hide a declaration.
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)\b", re.IGNORECASE)
_DTD_MESSAGE = "the file declares a DOCTYPE/entities, which are not allowed (XXE protection)"


class XmlRejected(Exception):
    """An uploaded file was refused before or while parsing; `problem` says why."""

    def __init__(self, problem: DeployProblem):
        super().__init__(str(problem))
        self.problem = problem


def parse_xml(filename: str, content: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse untrusted XML bytes safely and return the root element, or raise XmlRejected."""
    _check_size(filename, content, max_bytes)
    if _DECLARATION.search(content.replace(b"\x00", b"")):
        raise _rejected(filename, _DTD_MESSAGE)
    root = _parse(filename, content)
    _check_tree(filename, root)
    return root


def as_utf8(filename: str, content: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The diagram as UTF-8 bytes: a file in another encoding its XML declaration or byte-order mark names
    (UTF-16 from Windows tools) is decoded and written again as UTF-8. Files that are UTF-8 already, or
    that cannot be parsed, come back unchanged (validation then says what is wrong with them)."""
    try:
        content.decode("utf-8")
        return content
    except UnicodeDecodeError:
        pass
    try:
        root = parse_xml(filename, content, max_bytes)
    except XmlRejected:
        return content
    written: bytes = etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True)
    return written


def safe_parser() -> etree.XMLParser:
    """A parser that never loads DTDs, resolves entities or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=False,
    )


def _check_size(filename: str, content: bytes, max_bytes: int) -> None:
    """Refuse files over the size limit."""
    if len(content) > max_bytes:
        message = f"file is {_size(len(content))}, over the {_size(max_bytes)} limit"
        raise _rejected(filename, message)


def _size(count: int) -> str:
    """A byte count for people: MB with one decimal, or kB for small limits."""
    if count >= 100_000:
        return f"{count / 1_000_000:.1f}".removesuffix(".0") + " MB"
    return f"{count / 1_000:.1f}".removesuffix(".0") + " kB"


def _parse(filename: str, content: bytes) -> etree._Element:
    """Run the safe parser, turning syntax errors into a plain message."""
    if not content.strip():
        raise _rejected(filename, "not well-formed XML: the file is empty")
    try:
        return etree.fromstring(content, parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else "?"
        raise _rejected(filename, f"not well-formed XML: line {line}: {exc.msg}") from None


def _check_tree(filename: str, root: etree._Element) -> None:
    """Second line of defence: no DOCTYPE and no entity nodes survived parsing."""
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _rejected(filename, _DTD_MESSAGE)
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise _rejected(filename, _DTD_MESSAGE)


def _rejected(filename: str, message: str) -> XmlRejected:
    """An XmlRejected for the whole file."""
    return XmlRejected(DeployProblem(filename, FILE_ELEMENT, message))
