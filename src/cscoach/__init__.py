"""cscoach: a command-line coaching and role-play trainer for complaint handling."""

__version__ = "0.1.0"
