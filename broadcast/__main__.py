"""`python -m broadcast …`: the same as the `broadcast` command (for a checkout not installed, or a venv not on PATH)."""

from broadcast.cli import main

main()
