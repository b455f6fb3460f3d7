"""Lets `python -m cscoach` run the command-line interface."""

from cscoach.cli.main import main

main()
