"""Werkzeug's MultiDict and FileStorage over Django's QueryDicts and uploads (flasksignals_django.multidict)."""

from __future__ import annotations

import copy
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict

from flasksignals_django.multidict import FileStorage, MultiDict


def test_multidict_over_several_sources():
    d = MultiDict(QueryDict("a=1&a=2&b=x"), QueryDict("a=3&c="))
    assert d["a"] == "1" and d.getlist("a") == ["1", "2", "3"]
    assert list(d) == ["a", "b", "c"] and len(d) == 3
    assert d == {"a": "1", "b": "x", "c": ""}
    assert d == MultiDict(QueryDict("a=1&a=2&b=x&a=3&c="))
    assert d != MultiDict(QueryDict("a=1"))
    assert d.__eq__(1) is NotImplemented
    assert d.copy() == {"a": ["1", "2", "3"], "b": ["x"], "c": [""]}
    assert repr(MultiDict(QueryDict("a=1"))) == "MultiDict([('a', '1')])"
    with pytest.raises(KeyError):
        d["zz"]
    assert 1 not in d


def test_file_storage_has_werkzeugs_names(tmp_path):
    django_file = SimpleUploadedFile("a.txt", b"line1\nline2\n", "text/plain")
    django_file.content_type_extra = {"charset": b"utf-8"}
    f = FileStorage("upload", django_file)
    assert (f.name, f.filename, f.content_type, f.mimetype) == (
        "upload",
        "a.txt",
        "text/plain",
        "text/plain",
    )
    assert f.mimetype_params == {"charset": "utf-8"}
    assert f.size == 12  # the Django file's own attribute
    assert list(f) == [b"line1\n", b"line2\n"]
    assert bool(f) and repr(f) == "<FileStorage: 'a.txt' ('text/plain')>"
    f.save(tmp_path / "saved.txt")
    assert (tmp_path / "saved.txt").read_bytes() == b"line1\nline2\n"
    out = BytesIO()
    f.save(out)
    assert out.getvalue() == b"line1\nline2\n"
    f.close()
    assert django_file.closed
    assert not FileStorage("empty", SimpleNamespace(name=None, content_type=None))


def test_file_storage_copies_share_the_django_file():
    django_file = SimpleUploadedFile("a.txt", b"abc", "text/plain")
    f = FileStorage("upload", django_file)
    # copy makes the new object without __init__: no stream yet while it looks
    # for __setstate__, which must not recurse through __getattr__.
    duplicate = copy.copy(f)
    assert duplicate.stream is django_file
    assert duplicate.read() == b"abc"
