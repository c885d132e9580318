"""One exception type for every mistake a user can make.

The CLI prints ``error: <message>`` on one line and exits with status 2 for these; the Python API
raises them as they are. They subclass ``ValueError`` so generic code that catches bad arguments
keeps working.
"""


class KerasGansError(ValueError):
    """A clear, user-facing error: the message names the problem and what is accepted."""


def check_choice(kind, value, choices):
    """Raise a clear error unless ``value`` is one of ``choices``; return it otherwise."""
    choices = list(choices)
    if value not in choices:
        raise KerasGansError(
            f"unknown {kind} {value!r}; choose one of: {', '.join(map(str, choices))}"
        )
    return value


def check_positive(name, value):
    """Raise a clear error unless ``value`` is a positive integer; return it as ``int``."""
    try:
        ivalue = int(value)
    except (TypeError, ValueError):
        raise KerasGansError(f"{name} must be a positive integer, got {value!r}") from None
    if ivalue != value or ivalue <= 0:
        raise KerasGansError(f"{name} must be a positive integer, got {value!r}")
    return ivalue
