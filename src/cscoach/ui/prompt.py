"""Everything that asks: questionary prompts, raising KeyboardInterrupt on Ctrl-C or EOF."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cscoach.errors import Interrupted


def _armed(question, eof: bool = True):  # type: ignore[no-untyped-def]
    """Make a questionary question stop on every way a user says stop.

    prompt_toolkit turns a SIGINT into a `<sigint>` key that questionary leaves unbound, so a
    Ctrl-C arriving while the terminal is not yet raw (the prompt just appearing) or a
    `kill -INT` would be lost; and a select or confirm ignores Ctrl-D. Both now end the prompt
    with the exception the callers turn into `Interrupted`. (A text prompt keeps Ctrl-D for
    deleting; on an empty line prompt_toolkit already raises EOFError.)"""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys

    extra = KeyBindings()

    @extra.add(Keys.SIGINT, eager=True)
    @extra.add(Keys.ControlC, eager=True)
    def _stop(event) -> None:  # type: ignore[no-untyped-def]
        event.app.erase_when_done = False  # a stopped prompt stays on screen, as it was
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    if eof:
        @extra.add(Keys.ControlD, eager=True)
        def _end(event) -> None:  # type: ignore[no-untyped-def]
            event.app.erase_when_done = False
            event.app.exit(exception=EOFError, style="class:aborting")

    @extra.add(Keys.ControlZ, eager=True)
    def _suspend(event) -> None:  # type: ignore[no-untyped-def]
        # the terminal is raw while a prompt waits, so Ctrl-Z is a key, not SIGTSTP: suspend
        # as a shell user expects ('fg' brings the prompt back), instead of ignoring it and
        # letting the next keys answer
        event.app.suspend_to_background()

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, extra]) if app.key_bindings \
        else extra
    return question


def select(message: str, options: Sequence[str], instruction: str = "",
           erase: bool = False) -> int:
    """The 0-based position of the option picked (`erase`: leave no answer line behind, for a
    caller that echoes the answer itself)."""
    picked, _ = timed_select(message, options, instruction, erase=erase)
    assert picked is not None  # only a timer can leave it unanswered
    return picked


def _wrap_validation(app) -> None:  # type: ignore[no-untyped-def]
    """prompt_toolkit shows why an answer is refused on one line and cuts the rest off; on a
    narrow terminal (40 columns) most of a Korean message was lost. Let that line wrap."""
    from prompt_toolkit.filters import to_filter
    from prompt_toolkit.layout.controls import FormattedTextControl

    for window in app.layout.find_all_windows():
        control = window.content
        source = getattr(control, "text", None) if isinstance(
            control, FormattedTextControl) else None
        if getattr(source, "__qualname__", "").startswith("ValidationToolbar."):
            window.height = None
            window.wrap_lines = to_filter(True)


def confirm(message: str, default: bool = False) -> bool:
    import questionary

    question = _armed(questionary.confirm(message, default=default))
    try:
        answer = bool(question.unsafe_ask())
    except (KeyboardInterrupt, EOFError):
        raise Interrupted() from None
    _drop_type_ahead(question.application)
    return answer


def _drop_type_ahead(app) -> None:  # type: ignore[no-untyped-def]
    """Forget keys typed after the answer: a confirm takes 'y' alone, so the Enter a trainee
    types after it (y, Enter) would otherwise pick reply 1 of the next drill."""
    import sys

    from prompt_toolkit.input.typeahead import clear_typeahead

    clear_typeahead(app.input)
    try:
        import termios

        if sys.stdin.isatty():
            termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)
    except (ImportError, OSError):  # no termios (Windows), or no terminal after all
        pass


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
        question = _armed(questionary.text(message, default=default, validate=check), eof=False)
        _wrap_validation(question.application)
        answer = question.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted() from None
    return str(answer).strip()


def timed_select(message: str, options: Sequence[str], instruction: str = "",
                 seconds: float | None = None, clock: str = "⏱ {left}s", erase: bool = False
                 ) -> tuple[int | None, float]:
    """`select` with an optional countdown under the list. Returns (position or None when the
    time ran out, seconds taken). `erase` wipes the prompt and the answer off the screen when
    done (so the next team on a shared screen does not see it)."""
    import asyncio
    import time

    import questionary
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.layout import HSplit, Layout, Window
    from prompt_toolkit.layout.controls import FormattedTextControl

    choices = [questionary.Choice(title=text, value=i) for i, text in enumerate(options)]
    question = questionary.select(message, choices=choices, use_shortcuts=len(options) <= 36,
                                  instruction=instruction or None)
    app = _armed(question).application
    app.erase_when_done = erase
    start = time.monotonic()
    if seconds is None:
        try:
            answer = question.unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted() from None
        if answer is None:  # pragma: no cover - unsafe_ask raises instead
            raise Interrupted()
        return int(answer), time.monotonic() - start
    deadline = start + seconds

    def left() -> FormattedText:
        remaining = max(0, int(deadline - time.monotonic() + 0.999))
        style = "fg:ansired bold" if remaining <= 5 else "fg:ansiyellow"
        return FormattedText([(style, " " + clock.format(left=remaining))])

    old = app.layout
    app.layout = Layout(HSplit([old.container, Window(FormattedTextControl(left), height=1)]),
                        focused_element=old.current_window)
    app.refresh_interval = 0.25

    stopped = object()

    async def guarded() -> object:
        # Ctrl-C reaches us as an exception set on the prompt's future; caught here it ends
        # the task normally (a KeyboardInterrupt escaping a task is logged as never retrieved)
        try:
            return await app.run_async()
        except (KeyboardInterrupt, EOFError):
            return stopped

    async def run() -> object:
        task = asyncio.ensure_future(guarded())
        done, _ = await asyncio.wait({task}, timeout=seconds)
        if task in done:
            return task.result()
        app.exit(result=None)  # the time ran out: close the prompt cleanly
        await task
        return None

    try:
        answer = asyncio.run(run())
    except (KeyboardInterrupt, EOFError):  # a signal between prompts
        raise Interrupted() from None
    if answer is stopped:
        raise Interrupted()
    taken = min(seconds, time.monotonic() - start)
    return (None if answer is None else int(str(answer))), taken
