"""A documented subset of JUEL (`${...}`), translated into the engine's checked Python.

The subset: case variables (and `execution.getVariable("name")`), string and number literals,
`true`/`false`/`null`, comparisons (`==` `!=` `<` `>` `<=` `>=` and `eq` `ne` `lt` `gt` `le` `ge`),
`&&`/`and`, `||`/`or`, `!`/`not`, `empty` and parentheses. A small tokenizer and a recursive-descent
parser with JUEL's precedence (or < and < equality < relational < unary) turn the text into Python
with explicit parentheses; anything else is refused with a `JuelError` naming what and where.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

# codes of the refusals (the web UI words each in the user's language; params in brackets)
JUEL_UNSUPPORTED = "juel_unsupported"  # (token, position)
JUEL_SYNTAX = "juel_syntax"  # (position, found)
JUEL_NAME = "juel_name"  # (name)
JUEL_MIXED = "juel_mixed_text"  # ()

SUBSET = "variables, comparisons, &&, ||, !, not, empty, null, true, false, string and number literals"
EMPTY_FUNCTION = "is_empty"
"""The engine function `empty x` becomes (true for null, "" and empty lists and maps)."""

_WORD_OPERATORS = {"and": "&&", "or": "||", "not": "!", "eq": "==", "ne": "!=", "lt": "<", "gt": ">",
                   "le": "<=", "ge": ">="}
_LITERALS = {"true": "True", "false": "False", "null": "None"}
_UNSUPPORTED_WORDS = frozenset({"div", "mod", "instanceof"})
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<number>\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?)
      | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<name>[^\W\d]\w*)
      | (?P<op>==|!=|<=|>=|&&|\|\||[<>!().])
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_EQUALITY = ("==", "!=")
_RELATIONAL = ("<", ">", "<=", ">=")


class JuelError(ValueError):
    """A JUEL text outside the supported subset; `code` and `params` say why in any language."""

    def __init__(self, code: str, message: str, **params: str):
        super().__init__(message)
        self.code = code
        self.params = {k: str(v) for k, v in params.items()}


@dataclass(frozen=True)
class _Token:
    kind: str  # number, string, name, op, end
    text: str
    position: int  # 1-based column inside the ${...} body


def is_juel(text: str) -> bool:
    """True when a text holds JUEL: `${...}` or `#{...}` anywhere in it."""
    return "${" in text or "#{" in text


def juel_body(text: str) -> str:
    """The inside of a text that is one whole `${...}` / `#{...}`; JuelError for text mixed with JUEL."""
    stripped = text.strip()
    if stripped[:2] in ("${", "#{") and stripped.endswith("}") and not is_juel(stripped[2:-1]):
        return stripped[2:-1]
    raise JuelError(JUEL_MIXED, "text mixed with ${...} is outside the supported JUEL subset: "
                    "write one whole ${...} expression")


def to_python(text: str) -> str:
    """The Python of one whole `${...}` text (e.g. `${!clarified}` → `not clarified`), or JuelError."""
    return body_to_python(juel_body(text))


def body_to_python(body: str) -> str:
    """The Python of a JUEL expression without its `${` `}`."""
    parser = _Parser(_tokens(body))
    python = parser.expression(top=True)
    parser.expect_end()
    return _without_outer_parentheses(python)


def _without_outer_parentheses(python: str) -> str:
    """`(not a)` → `not a`, but `(a) or (b)` stays as it is."""
    if not (python.startswith("(") and python.endswith(")")) or "'" in python or '"' in python:
        return python
    depth = 0
    for index, char in enumerate(python):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and index < len(python) - 1:
            return python
    return python[1:-1]


def _tokens(body: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(body):
        kind, text, position = match.lastgroup or "other", match.group(), match.start() + 1
        if kind == "space":
            continue
        if kind == "other" or text in _UNSUPPORTED_WORDS:
            raise _unsupported(text, position)
        if kind == "name" and text in _WORD_OPERATORS:
            kind, text = "op", _WORD_OPERATORS[text]
        tokens.append(_Token(kind, text, position))
    tokens.append(_Token("end", "", len(body) + 1))
    return tokens


def _unsupported(token: str, position: int) -> JuelError:
    return JuelError(JUEL_UNSUPPORTED, f"`{token}` (column {position}) is outside the supported JUEL subset "
                     f"({SUBSET})", token=token, position=str(position))


class _Parser:
    """Recursive descent over the tokens; each method returns Python text."""

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.index = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def _take(self) -> _Token:
        token = self.current
        self.index += 1
        return token

    def _at(self, *ops: str) -> bool:
        return self.current.kind == "op" and self.current.text in ops

    def expression(self, top: bool = False) -> str:
        """or-expression (the whole grammar)."""
        parts = [self._and(top)]
        while self._at("||"):
            self._take()
            parts.append(self._and(False))
        return _joined(parts, " or ", top)

    def _and(self, top: bool) -> str:
        parts = [self._equality()]
        while self._at("&&"):
            self._take()
            parts.append(self._equality())
        return _joined(parts, " and ", top and not self._at("||"))

    def _equality(self) -> str:
        left = self._relational()
        while self._at(*_EQUALITY):
            op = self._take().text
            right = self._relational()
            left = f"({_equality(left, op, right)})"
        return left

    def _relational(self) -> str:
        left = self._unary()
        while self._at(*_RELATIONAL):
            op = self._take().text
            left = f"({left} {op} {self._unary()})"
        return left

    def _unary(self) -> str:
        if self._at("!"):
            self._take()
            return f"(not {self._unary()})"
        if self.current.kind == "name" and self.current.text == "empty":
            self._take()
            return f"{EMPTY_FUNCTION}({self._unary()})"
        return self._primary()

    def _primary(self) -> str:
        token = self._take()
        if token.kind == "number":
            return token.text
        if token.kind == "string":
            return repr(_unescape(token.text))
        if token.kind == "name":
            return self._name(token)
        if token.kind == "op" and token.text == "(":
            inner = self.expression()
            self._expect(")")
            return inner if inner.startswith("(") else f"({inner})"
        raise self._syntax(token)

    def _name(self, token: _Token) -> str:
        if token.text in _LITERALS:
            return _LITERALS[token.text]
        if self._at("."):
            return self._get_variable(token)
        if self._at("("):
            where = str(token.position)
            raise JuelError(JUEL_UNSUPPORTED, f"calling `{token.text}(...)` (column {where}) is outside the "
                            f"supported JUEL subset ({SUBSET})", token=f"{token.text}(", position=where)
        return python_name(token.text)

    def _get_variable(self, token: _Token) -> str:
        """`execution.getVariable("name")` is the variable `name`; other member access is refused."""
        dot = self._take()
        method = self._take()
        if token.text != "execution" or method.text != "getVariable" or not self._at("("):
            raise _unsupported(".", dot.position)
        self._take()
        argument = self._take()
        if argument.kind != "string":
            raise self._syntax(argument)
        self._expect(")")
        return python_name(_unescape(argument.text))

    def _expect(self, op: str) -> None:
        if not self._at(op):
            raise self._syntax(self.current)
        self._take()

    def expect_end(self) -> None:
        """Refuse tokens left over after a whole expression."""
        if self.current.kind != "end":
            raise self._syntax(self.current)

    @staticmethod
    def _syntax(token: _Token) -> JuelError:
        found = token.text or "the end of the expression"
        return JuelError(JUEL_SYNTAX, f"JUEL syntax error at column {token.position}: unexpected {found}",
                         position=str(token.position), found=found)


def _joined(parts: list[str], separator: str, top: bool) -> str:
    if len(parts) == 1:
        return parts[0]
    joined = separator.join(parts)
    return joined if top else f"({joined})"


def _equality(left: str, op: str, right: str) -> str:
    """`==`/`!=`, comparing with null by identity (`x is None`) as Python wants it."""
    if right == "None" or left == "None":
        other = left if right == "None" else right
        return f"{other} is None" if op == "==" else f"{other} is not None"
    return f"{left} {op} {right}"


def _unescape(literal: str) -> str:
    """A JUEL string literal's value: only `\\'`, `\\"` and `\\\\` are escapes."""
    return re.sub(r"\\(['\"\\])", r"\1", literal[1:-1])


def python_name(name: str) -> str:
    """A JUEL variable as a Python name, or JuelError when Python cannot use that name."""
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("__"):
        raise JuelError(JUEL_NAME, f"the variable name `{name}` cannot be used in an expression; rename it "
                        "(letters, digits and _, not a Python keyword)", name=name)
    return name
