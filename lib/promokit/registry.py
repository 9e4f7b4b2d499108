"""Registries by name: layer types, chart kinds, sizes, platforms, output formats, publishers.

A new kind is one small class (or value) and one `register` line; lookups of an unknown name
raise a SpecError that lists the known names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from .errors import SpecError, UsageError

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries of one kind (`what` is used in messages, in Vietnamese and English)."""

    def __init__(self, what_vi: str, what_en: str) -> None:
        self.what_vi, self.what_en = what_vi, what_en
        self._items: dict[str, T] = {}

    def add(self, name: str, item: T) -> T:
        if name in self._items:
            raise ValueError(f"{self.what_en} {name!r} registered twice")
        self._items[name] = item
        return item

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator form: `@CHARTS.register("bar")`."""
        return lambda item: self.add(name, item)

    def get(self, name: str, *, file: str | None = None, field: str | None = None) -> T:
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(self._items)
            raise SpecError.fail(
                f"{self.what_vi} '{name}' không tồn tại",
                f"unknown {self.what_en} '{name}'",
                file=file,
                field=field,
                fix_vi=f"dùng một trong: {known}",
                fix_en=f"use one of: {known}",
            ) from None

    def known(self, name: str) -> str:
        """The registered name `name` is (case-insensitively, when unambiguous), else ValueError in the spec
        validators' "English; fix / Tiếng Việt; cách sửa" form with the closest name as a suggestion."""
        from .suggest import closest, match

        if name in self._items:
            return name
        same = match(name, self._items, loose=False)
        if same is not None:
            return same
        known = ", ".join(self._items)
        near = closest(name, self._items)
        did_en, did_vi = (f" (did you mean '{near}'?)", f" (có phải '{near}'?)") if near else ("", "")
        use_en, use_vi = (f"use '{near}' or ", f"dùng '{near}' hoặc ") if near else ("use ", "dùng ")
        raise ValueError(f"unknown {self.what_en} '{name}'{did_en}; {use_en}one of: {known} / "
                         f"{self.what_vi} '{name}' không tồn tại{did_vi}; {use_vi}một trong: {known}")

    def choose(self, name: str, *, option: str) -> str:
        """The registered name a user meant on the command line (case and '-'/'_' forgiven), or a
        UsageError (exit 2) naming the choices and the closest one."""
        import difflib

        key = str(name).strip().lower().replace("-", "_")
        if key in self._items:
            return key
        known = ", ".join(self._items)
        close = difflib.get_close_matches(key, list(self._items), n=1, cutoff=0.6)
        hint_vi = f"có phải '{close[0]}'? " if close else ""
        hint_en = f"did you mean '{close[0]}'? " if close else ""
        raise UsageError.fail(f"{self.what_vi} '{name}' không tồn tại", f"unknown {self.what_en} '{name}'",
                              field=option, fix_vi=f"{hint_vi}dùng một trong: {known}",
                              fix_en=f"{hint_en}use one of: {known}")

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def names(self) -> list[str]:
        return list(self._items)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())
