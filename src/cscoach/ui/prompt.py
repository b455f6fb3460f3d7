"""Everything that asks: questionary prompts, raising KeyboardInterrupt on Ctrl-C or EOF."""

from __future__ import annotations

from collections.abc import Sequence

from cscoach.errors import Interrupted


def select(message: str, options: Sequence[str], instruction: str = "") -> int:
    """The 0-based position of the option picked."""
    import questionary

    choices = [questionary.Choice(title=text, value=i) for i, text in enumerate(options)]
    try:
        answer = questionary.select(message, choices=choices, use_shortcuts=len(options) <= 36,
                                    instruction=instruction or None).unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted() from None
    if answer is None:  # pragma: no cover - unsafe_ask raises instead
        raise Interrupted()
    return int(answer)


def confirm(message: str, default: bool = False) -> bool:
    import questionary

    try:
        return bool(questionary.confirm(message, default=default).unsafe_ask())
    except (KeyboardInterrupt, EOFError):
        raise Interrupted() from None
