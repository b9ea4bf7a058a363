"""Read-only containers with Werkzeug's names over Django's request data:
:class:`MultiDict` (``request.args``, ``form``, ``files``, ``values``,
``cookies``), :class:`FileStorage` (one upload) and :class:`UrlRule`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

from django.utils.datastructures import MultiValueDict

from .errors import BadRequestKeyError

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

__all__ = ["FileStorage", "MultiDict", "UrlRule"]

T = TypeVar("T")

_REJECTED: Any = object()


def _convert(value: Any, type: Callable[[Any], Any]) -> Any:
    """``type(value)``, or ``_REJECTED`` if ``type`` raises ``ValueError``/``TypeError``."""
    try:
        return type(value)
    except (ValueError, TypeError):
        return _REJECTED


class MultiDict(Mapping[str, T]):
    """A read-only view with Werkzeug's ``MultiDict`` semantics over Django's
    ``QueryDict`` / ``MultiValueDict`` (several of them: ``values`` combines
    ``args`` and ``form`` as Werkzeug's ``CombinedMultiDict``).

    ``d[key]`` and ``d.get(key)`` give the FIRST value (Django's ``QueryDict``
    gives the last), ``d.getlist(key)`` all of them; a missing key raises
    :class:`~flasksignals_django.errors.BadRequestKeyError`, a ``KeyError``
    that Django answers with 400, as Flask does.
    """

    __slots__ = ("_sources",)

    def __init__(self, *sources: MultiValueDict[str, T]) -> None:
        self._sources = sources

    def getlist(self, key: str, type: Callable[[T], Any] | None = None) -> list[Any]:
        """All values of ``key`` (``[]`` if missing); with ``type``, the values
        it converts, skipping those it rejects with ``ValueError``/``TypeError``."""
        values = [value for source in self._sources for value in source.getlist(key)]
        if type is None:
            return values
        converted = (_convert(value, type) for value in values)
        return [value for value in converted if value is not _REJECTED]

    def __getitem__(self, key: str) -> T:
        for source in self._sources:
            values = source.getlist(key)
            if values:
                return values[0]
        raise BadRequestKeyError(key)

    @overload
    def get(self, key: str) -> T | None: ...
    @overload
    def get(self, key: str, default: Any) -> Any: ...
    @overload
    def get(
        self, key: str, default: Any = None, type: Callable[[T], Any] | None = None
    ) -> Any: ...

    def get(
        self, key: str, default: Any = None, type: Callable[[T], Any] | None = None
    ) -> Any:
        """The first value of ``key``, or ``default``; with ``type``, the value
        converted, or ``default`` if the conversion raises ``ValueError``/``TypeError``."""
        if key not in self:
            return default
        value = self[key] if type is None else _convert(self[key], type)
        return default if value is _REJECTED else value

    def __iter__(self) -> Iterator[str]:
        # Keys in first-seen order; a key whose list is empty is absent.
        keys = (
            key for source in self._sources for key in source if source.getlist(key)
        )
        return iter(dict.fromkeys(keys))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and any(
            source.getlist(key) for source in self._sources
        )

    def lists(self) -> Iterator[tuple[str, list[T]]]:
        """``(key, all values)`` pairs."""
        return ((key, self.getlist(key)) for key in self)

    def items(self, multi: bool = False) -> Iterator[tuple[str, T]]:  # type: ignore[override]
        """``(key, first value)`` pairs, or with ``multi=True`` one pair per value."""
        for key, values in self.lists():
            for value in values if multi else values[:1]:
                yield key, value

    def values(self) -> Iterator[T]:  # type: ignore[override]
        """The first value of each key."""
        return (values[0] for _, values in self.lists())

    def keys(self) -> Iterator[str]:  # type: ignore[override]
        return iter(self)

    def listvalues(self) -> Iterator[list[T]]:
        """The list of values of each key."""
        return (values for _, values in self.lists())

    def to_dict(self, flat: bool = True) -> dict[str, Any]:
        """A plain dict: first values, or with ``flat=False`` lists of values."""
        return {key: values[0] if flat else values for key, values in self.lists()}

    def copy(self) -> dict[str, list[T]]:
        """A mutable copy, as ``{key: [values]}`` (Werkzeug gives a ``MultiDict``)."""
        return self.to_dict(flat=False)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MultiDict):
            return list(self.lists()) == list(other.lists())
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self.items(multi=True))!r})"


class FileStorage:
    """An uploaded file with Werkzeug's ``FileStorage`` names over Django's
    ``UploadedFile`` (``stream``): ``name`` is the form field's name,
    ``filename`` the client's file name; every other attribute (``read``,
    ``chunks``, ``size``, ...) is the Django file's."""

    def __init__(self, name: str, stream: UploadedFile[Any]) -> None:
        self.name = name
        self.stream = stream

    @property
    def filename(self) -> str | None:
        return self.stream.name

    @property
    def content_type(self) -> str | None:
        return self.stream.content_type

    @property
    def mimetype(self) -> str:
        """The content type without parameters, lower-cased."""
        return (self.content_type or "").split(";", 1)[0].strip().lower()

    @property
    def mimetype_params(self) -> dict[str, str]:
        extra: dict[str, Any] = self.stream.content_type_extra or {}
        return {
            key: value.decode() if isinstance(value, bytes) else str(value)
            for key, value in extra.items()
        }

    def save(self, dst: Any, buffer_size: int = 16384) -> None:
        """Write the file to ``dst``, a path or a writable binary file."""
        self.stream.seek(0)
        if isinstance(dst, str) or hasattr(dst, "__fspath__"):
            with open(dst, "wb") as out:
                for chunk in self.stream.chunks(buffer_size):
                    out.write(chunk)
        else:
            for chunk in self.stream.chunks(buffer_size):
                dst.write(chunk)

    def close(self) -> None:
        self.stream.close()

    def __getattr__(self, name: str) -> Any:
        if name == "stream":  # not set yet: no recursion from __getattr__
            raise AttributeError(name)
        return getattr(self.stream, name)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.stream)

    def __bool__(self) -> bool:
        return bool(self.filename)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.filename!r} ({self.content_type!r})>"


class UrlRule:
    """What ``request.url_rule`` gives: ``rule`` is Django's route with a
    leading ``/`` (as Flask's rules are written), ``endpoint`` the URL's
    ``view_name``."""

    __slots__ = ("rule", "endpoint")

    def __init__(self, rule: str, endpoint: str) -> None:
        self.rule = rule
        self.endpoint = endpoint

    def __str__(self) -> str:
        return self.rule

    def __repr__(self) -> str:
        return f"<UrlRule {self.rule!r} -> {self.endpoint}>"
