"""Everything that asks: questionary prompts, raising KeyboardInterrupt on Ctrl-C or EOF."""

from __future__ import annotations

from collections.abc import Callable, Sequence

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


def text(message: str, default: str = "",
         validate: Callable[[str], str | None] | None = None) -> str:
    """A line of text; `validate` returns an error message, or None when the text is fine."""
    import questionary

    def check(value: str) -> bool | str:
        if validate is None:
            return True
        problem = validate(value)
        return True if problem is None else problem

    try:
        answer = questionary.text(message, default=default, validate=check).unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted() from None
    return str(answer).strip()
