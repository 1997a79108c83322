"""Paging and sorting of every list from the query string; links to other pages keep the filters."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for

from engine.domain.paging import PAGE_SIZES, PageRequest, Sorting, page_request

PAGING_ARGS = ("page", "size", "sort", "order")


def requested_page(sorting: Sorting) -> PageRequest:
    """The page, page size and sort the query string asks for (unknown values: the list's defaults)."""
    args = request.args
    return page_request(args.get("page"), args.get("size"), args.get("sort"), args.get("order"), sorting)


def page_url(**changes: Any) -> str:
    """This page's URL with its query string (the filters) kept and `changes` applied (None: removed)."""
    args: dict[str, Any] = request.args.to_dict(flat=False)
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    return url_for(str(request.endpoint), **(request.view_args or {}), **args)


def sort_url(page: PageRequest, key: str) -> str:
    """The link of a sortable column header: sort by `key`, or reverse the order if already sorted by it."""
    if page.sort == key:
        return page_url(sort=key, order="asc" if page.descending else "desc", page=None)
    return page_url(sort=key, order=None, page=None)


def init_app(app: Flask) -> None:
    """Make the link builders available to the templates."""
    app.jinja_env.globals.update(page_url=page_url, sort_url=sort_url, page_sizes=PAGE_SIZES)
