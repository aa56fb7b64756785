"""The one exception family the command line turns into a one-line message and a non-zero exit."""


class BroadcastError(Exception):
    """Something the user can fix; str() is one line that names the file or sentence and the problem.

    `exit_code` 1: the run failed (a bad transcript, a full disk, the network). Usage problems (a bad option
    value or combination, a bad broadcast.toml) are `UsageError`s, exit code 2 like click's own."""

    exit_code = 1


class UsageError(BroadcastError):
    """A bad option value or combination, found before any work starts."""

    exit_code = 2
