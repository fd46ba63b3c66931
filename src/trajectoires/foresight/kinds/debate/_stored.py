"""An opinion snapshot as bytes, to share it between server processes through the database.

:func:`encode` writes an :class:`~trajectoires.foresight.kinds.debate.opinions.OpinionSnapshot`
(the engine's :class:`~trajectoires.collective.Result` included, so the next computation
warm-starts from it in any process; its vote table left out) as compressed JSON, NumPy
arrays as their raw bytes; :func:`decode` reads it back. No pickle: only the dataclasses
named in ``_TYPES`` are rebuilt, and arrays of objects are refused, so a row of the
database can never run code.

Examples
--------
>>> import numpy as np
>>> from trajectoires.collective import Group
>>> value = {"groups": (Group(0, 3, (0.5, -1.0)),), "ids": np.arange(3), 2: float("nan")}
>>> back = _load(_dump(value))
>>> back["groups"], back["ids"].tolist(), back[2]
((Group(id=0, size=3, center=(0.5, -1.0)),), [0, 1, 2], nan)

"""

from __future__ import annotations

import base64
import dataclasses
import json
import zlib
from datetime import datetime
from typing import Any

import numpy as np

from trajectoires.collective import Counts, Group, Params, Pick, Result, WarmState
from trajectoires.foresight.kinds.debate.opinions import OpinionSnapshot

__all__ = ["decode", "encode"]

_TYPES = {cls.__name__: cls for cls in (Group, Params, Result, WarmState, Counts, Pick,
                                        OpinionSnapshot)}


def _tree(value: Any) -> Any:  # noqa: PLR0911 (one branch per kind of value)
    if dataclasses.is_dataclass(value) and type(value).__name__ in _TYPES:
        return {"$dc": type(value).__name__, "f": {
            f.name: _tree(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise TypeError("arrays of Python objects are not stored")
        data = base64.b64encode(np.ascontiguousarray(value).tobytes()).decode()
        return {"$nd": [value.dtype.str, list(value.shape), data]}
    if isinstance(value, np.generic):
        return {"$np": [value.dtype.str, value.item()]}
    if isinstance(value, tuple):
        return {"$t": [_tree(v) for v in value]}
    if isinstance(value, list):
        return [_tree(v) for v in value]
    if isinstance(value, dict):
        return {"$d": [[_tree(k), _tree(v)] for k, v in value.items()]}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot store a {type(value).__name__}")


def _value(node: Any) -> Any:  # noqa: PLR0911
    if isinstance(node, list):
        return [_value(v) for v in node]
    if not isinstance(node, dict):
        return node
    (tag, body), *_ = node.items()
    if tag == "$dc":
        return _TYPES[body](**{k: _value(v) for k, v in node["f"].items()})
    if tag == "$nd":
        dtype, shape, data = body
        return np.frombuffer(base64.b64decode(data), dtype=np.dtype(dtype)).reshape(shape).copy()
    if tag == "$np":
        return np.dtype(body[0]).type(body[1])
    if tag == "$t":
        return tuple(_value(v) for v in body)
    if tag == "$d":
        return {_value(k): _value(v) for k, v in body}
    if tag == "$dt":
        return datetime.fromisoformat(body)
    raise ValueError(f"unknown stored value {tag!r}")


def _dump(value: Any) -> bytes:
    return zlib.compress(json.dumps(_tree(value), separators=(",", ":")).encode(), 3)


def _load(blob: bytes) -> Any:
    return _value(json.loads(zlib.decompress(blob)))


def encode(snapshot: OpinionSnapshot) -> bytes:
    """Return ``snapshot`` as bytes, without its vote table (the database has the votes)."""
    return _dump(dataclasses.replace(snapshot, votes=None))


def decode(blob: bytes) -> OpinionSnapshot:
    """Return the snapshot written by :func:`encode` (its ``votes`` is ``None``)."""
    snapshot = _load(blob)
    if not isinstance(snapshot, OpinionSnapshot):
        raise ValueError("not an opinion snapshot")
    return snapshot
