"""``current_app.config``: Django's settings, plus a layer of the app's own values.

Django's settings stay the source of truth: every read looks there first, so
``override_settings`` shows through. Names that Django's settings do not
define (Flask extensions' ``SQLALCHEMY_...``, ``PRINCIPAL_...``) can be written
with Flask's API (``config[k] = v``, ``setdefault``, ``update``,
``from_mapping``) and live in the app's own layer. Writing a name that Django's
settings define raises ``TypeError``: change the setting instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.conf import settings


def _django_defines(key: object) -> bool:
    """True if ``key`` is one of Django's settings (its defaults included).

    Django keeps only upper-case names as settings; ``LazySettings`` also has
    methods (``configure``) that are not settings.
    """
    return isinstance(key, str) and key.isupper() and hasattr(settings, key)


def _refuse(key: str) -> TypeError:
    return TypeError(
        f"{key} is one of Django's settings: current_app.config cannot change it. "
        f"Set {key} in your settings module (or use override_settings in tests)."
    )


class Config(Mapping[str, Any]):
    """Flask's ``config`` API over ``django.conf.settings`` and the app's own values.

    Reads (``config[k]``, ``config.K``, ``get``, ``in``) look in Django's
    settings first, then in the app's own layer. Writes go to the layer and
    raise ``TypeError`` for a name Django's settings define; ``setdefault`` of
    such a name returns the setting's value. Attribute assignment stays
    read-only, as Flask's ``config.X = v`` never sets a key either.
    """

    def __init__(self) -> None:
        # ``__setattr__`` is read-only for users, so set the layer directly.
        object.__setattr__(self, "_own", {})

    _own: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        if _django_defines(key):
            return getattr(settings, key)
        try:
            return self._own[key]
        except KeyError:
            raise KeyError(key) from None

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__") or key == "_own":
            raise AttributeError(key)
        if _django_defines(key):
            return getattr(settings, key)
        try:
            return self._own[key]
        except KeyError:
            raise AttributeError(
                f"{key!r} is neither a Django setting nor a config value."
            ) from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise TypeError(
            "current_app.config is read-only as attributes: change Django's settings, "
            "or write the app's own values with config[key] = value."
        )

    def __setitem__(self, key: str, value: Any) -> None:
        if _django_defines(key):
            raise _refuse(key)
        self._own[key] = value

    def __delitem__(self, key: str) -> None:
        if _django_defines(key):
            raise _refuse(key)
        del self._own[key]

    def __contains__(self, key: object) -> bool:
        return _django_defines(key) or key in self._own

    def __iter__(self) -> Iterator[str]:
        names = [name for name in dir(settings) if name.isupper()]
        seen = set(names)
        # A value written before an override_settings of the same name hides under it.
        names.extend(name for name in self._own if name not in seen)
        return iter(names)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return (
            f"<Config: django.conf.settings (read-only) and {len(self._own)} "
            "value(s) of the app's own>"
        )

    def setdefault(self, key: str, default: Any = None) -> Any:
        """``config[key]`` if it is a setting or an own value, else store ``default``."""
        if _django_defines(key):
            return getattr(settings, key)
        return self._own.setdefault(key, default)

    def update(
        self,
        other: Mapping[str, Any] | Iterable[tuple[str, Any]] = (),
        /,
        **kwargs: Any,
    ) -> None:
        """Write several own values; nothing is written if one of them is a setting."""
        items = dict(other, **kwargs)
        for key in items:
            if _django_defines(key):
                raise _refuse(key)
        self._own.update(items)

    def from_mapping(
        self, mapping: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> bool:
        """Flask's ``from_mapping``: write the upper-case keys only; returns ``True``."""
        items = dict(mapping or {}, **kwargs)
        self.update({key: value for key, value in items.items() if key.isupper()})
        return True

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, Any]:
        """Flask's ``get_namespace``: the values whose names start with ``namespace``."""
        found: dict[str, Any] = {}
        for name in self:
            if not name.startswith(namespace):
                continue
            key = name[len(namespace) :] if trim_namespace else name
            found[key.lower() if lowercase else key] = self[name]
        return found
