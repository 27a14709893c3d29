"""Immutable records that are cheap to make: frozen dataclasses with a faster ``__init__``.

A linted article makes a hundred or more sentences, segments, links and
diagnostics. A frozen dataclass's generated ``__init__`` stores each field
through ``object.__setattr__`` (its own ``__setattr__`` refuses), about
0.7 us for five fields; writing the instance's ``__dict__`` directly takes
0.3 us and gives the same object. Everything else (equality, ordering,
hashing, ``repr``, refusing assignment, pickling) is the dataclass's own.
"""
from __future__ import annotations

import dataclasses


def record(cls=None, /, **options):
    """``@dataclass(frozen=True, **options)``, with an ``__init__`` that fills ``__dict__`` in one go.

    For plain fields with plain defaults only: no ``default_factory``, no
    ``__post_init__``, no ``__slots__``, no init-only or excluded fields.
    """
    def wrap(cls):
        cls = dataclasses.dataclass(frozen=True, **options)(cls)
        fields = dataclasses.fields(cls)
        if (hasattr(cls, "__post_init__") or hasattr(cls, "__slots__")
                or any(f.default_factory is not dataclasses.MISSING or not f.init for f in fields)):
            raise TypeError(f"{cls.__name__}: record() takes plain fields only")
        cls.__init__ = _fast_init(cls, fields)
        return cls

    return wrap if cls is None else wrap(cls)


def _fast_init(cls, fields):
    defaults = {f"_default_{f.name}": f.default for f in fields if f.default is not dataclasses.MISSING}
    parameters = ", ".join(f.name if f.default is dataclasses.MISSING else f"{f.name}=_default_{f.name}"
                           for f in fields)
    body = "".join(f"    d[{f.name!r}] = {f.name}\n" for f in fields)
    source = f"def __init__(self, {parameters}):\n    d = self.__dict__\n{body}"
    namespace: dict = {}
    exec(source, defaults, namespace)  # noqa: S102 - built from the class's own field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = f"Make a {cls.__name__} (fields: {', '.join(f.name for f in fields)})."
    return init
