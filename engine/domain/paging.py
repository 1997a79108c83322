"""Pages of a list: which page, how many rows, sorted how; and the page with its (capped) count.

One home for every list's paging (queues, inbox, archive, supervisor desk, supervision list, notices,
search): services take a PageRequest and answer a Page; the web layer builds both from the query string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

# Counting stops here: a list says "1000+" and a huge one costs no more to count than this.
COUNT_CAP = 1000
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
MAX_PAGE = COUNT_CAP  # beyond the counted rows a page number means nothing


@dataclass(frozen=True)
class Sorting:
    """The sort keys a list offers, its default key and the default direction of each key."""

    keys: tuple[str, ...]
    default: str
    descending: frozenset[str] = frozenset()  # keys whose first click sorts newest / largest first

    def pick(self, key: str | None, order: str | None) -> tuple[str, bool]:
        """A known key (else the default) and its direction: `asc`/`desc`, else the key's default."""
        chosen = key if key in self.keys else self.default
        if order in ("asc", "desc"):
            return chosen, order == "desc"
        return chosen, chosen in self.descending


@dataclass(frozen=True)
class PageRequest:
    """Page `page` (from 1) of `size` rows, sorted by `sort` (a key of the list's Sorting)."""

    page: int = 1
    size: int = DEFAULT_PAGE_SIZE
    sort: str = ""
    descending: bool = False

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.page - 1) * self.size

    @property
    def order(self) -> str:
        """`asc` or `desc`, as the query string spells it."""
        return "desc" if self.descending else "asc"


def page_request(page: object, size: object, sort: str | None, order: str | None, sorting: Sorting) -> PageRequest:
    """A PageRequest from loose input (query strings): a page number out of range or a size not offered
    falls back to the first page or the default size; an unknown sort key to the list's default."""
    number = _int(page, 1)
    rows = _int(size, DEFAULT_PAGE_SIZE)
    key, descending = sorting.pick(sort, order)
    return PageRequest(page=number if 1 <= number <= MAX_PAGE else 1,
                       size=rows if rows in PAGE_SIZES else DEFAULT_PAGE_SIZE, sort=key, descending=descending)


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list with the number of rows of the whole list (`capped`: at least `total`)."""

    items: list[T]
    total: int
    request: PageRequest = field(default_factory=PageRequest)
    capped: bool = False

    @property
    def pages(self) -> int:
        """How many pages the counted rows fill (at least 1)."""
        return max(1, -(-self.total // self.request.size))

    @property
    def has_next(self) -> bool:
        """A page follows this one."""
        return self.request.page < self.pages or (self.capped and len(self.items) == self.request.size)

    @property
    def first_row(self) -> int:
        """The 1-based number of this page's first row (0 on an empty page)."""
        return self.request.offset + 1 if self.items else 0

    @property
    def last_row(self) -> int:
        """The 1-based number of this page's last row."""
        return self.request.offset + len(self.items)


def counted(found: int, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(total, capped) from a count that stopped at `cap`."""
    return min(found, cap), found >= cap
