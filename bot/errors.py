"""The two kinds of failure a user can see, each with its exit code.

Every error that reaches the command line is one of these and is printed as one line.
"""


class ThreadbotError(Exception):
    """Base class: the message is the one line the user reads."""

    exit_code = 1


class BadInput(ThreadbotError):
    """The user asked for something that cannot be done: bad URL, unknown handle, missing post."""

    exit_code = 2


class ServiceError(ThreadbotError):
    """An outside service failed or could not be reached while we were working."""

    exit_code = 1


class RateLimited(ServiceError):
    """A service said "too many requests"; `reset_at` is when it will listen again."""

    def __init__(self, message: str, reset_at: float | None = None) -> None:
        super().__init__(message)
        self.reset_at = reset_at  # epoch seconds, when the service said so


class ConfigError(ThreadbotError):
    """The configuration file or environment is invalid."""

    exit_code = 2


def describe(error: BaseException) -> str:
    """An exception as words for a log line or an error row, never empty: its message,
    else its cause's, else its type's name ("ConnectError")."""
    cause: BaseException | None = error
    while cause is not None:
        if str(cause).strip():
            return str(cause).strip()
        cause = cause.__cause__ or cause.__context__
    return type(error).__name__
