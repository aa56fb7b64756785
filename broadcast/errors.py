"""The one exception family the command line turns into a one-line message and a non-zero exit."""


class BroadcastError(Exception):
    """Something the user can fix; str() is one line that names the file or sentence and the problem."""
