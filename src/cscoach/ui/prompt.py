"""Everything that asks: questionary prompts, raising KeyboardInterrupt on Ctrl-C or EOF."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

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
                 seconds: float | None = None, clock: str = "⏱ {left}s", erase: bool = False,
                 paused: str = "", pause_key: str = "", now: Callable[[], float] | None = None,
                 **io: Any) -> tuple[int | None, float]:
    """`select` with an optional countdown under the list. Returns (position or None when the
    time ran out, seconds taken).

    The clock (ui/clock.py) starts when the prompt is first drawn, not when it is asked for, and
    stops at the instant of the answer: an answer given as the time runs out still counts.
    `erase` wipes the prompt and the answer off the screen when done (so the next team on a
    shared screen does not see it). With a `pause_key`, that key stops the clock (the line
    under the list says `paused`; every other key but Ctrl-C is ignored, so no answer is taken
    and no option moved to) and starts it again. `now` and `io` (prompt_toolkit's input and
    output) are for tests."""
    import asyncio
    import time

    import questionary
    from prompt_toolkit.filters import Condition, is_done, to_filter
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.key_binding import ConditionalKeyBindings, KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys
    from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, Window
    from prompt_toolkit.layout.controls import FormattedTextControl

    from cscoach.ui.clock import Clock

    choices = [questionary.Choice(title=text, value=i) for i, text in enumerate(options)]
    question = questionary.select(message, choices=choices, use_shortcuts=len(options) <= 36,
                                  instruction=instruction or None, **io)
    if seconds is None:
        app = _armed(question).application
        app.erase_when_done = erase
        start = time.monotonic()
        try:
            answer = question.unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted() from None
        if answer is None:  # pragma: no cover - unsafe_ask raises instead
            raise Interrupted()
        return int(answer), time.monotonic() - start
    timer = Clock(seconds, now or time.monotonic)
    holding = Condition(lambda: timer.paused)
    app = question.application
    if pause_key and app.key_bindings is not None:
        # while paused the select's own keys (arrows, digits, j/k, Enter) are off; Ctrl-C,
        # Ctrl-D and Ctrl-Z (bound by _armed below) and the pause key still work
        app.key_bindings = ConditionalKeyBindings(app.key_bindings, filter=~holding)
    app = _armed(question).application
    app.erase_when_done = erase

    def left() -> FormattedText:
        if timer.paused:
            return FormattedText([("fg:ansicyan bold", " " + paused)])
        remaining = timer.shown()
        style = "fg:ansired bold" if remaining <= 5 else "fg:ansiyellow"
        return FormattedText([(style, " " + clock.format(left=remaining))])

    old = app.layout
    for window in old.find_all_windows():
        # the list would stretch to the bottom of the terminal once prompt_toolkit knows the
        # rows below the cursor, and the countdown sat on the last row, far from the options
        if type(window.content).__name__ == "InquirerControl":
            window.dont_extend_height = to_filter(True)
    # gone with the prompt once answered; the pause line wraps on a narrow terminal
    countdown = ConditionalContainer(Window(FormattedTextControl(left), wrap_lines=True,
                                            dont_extend_height=True), filter=~is_done)
    app.layout = Layout(HSplit([old.container, countdown]), focused_element=old.current_window)
    app.refresh_interval = 0.25
    if pause_key:
        keys = KeyBindings()

        @keys.add(pause_key, eager=True)
        def _pause(event) -> None:  # type: ignore[no-untyped-def]
            timer.toggle()
            event.app.invalidate()

        def _held(event) -> None:  # type: ignore[no-untyped-def]
            pass  # paused: a key typed now is not an answer

        # Any for the letters and digits; the keys prompt_toolkit's own bindings know by name
        # (Enter would submit its hidden line and push the list down) one by one
        for key in (Keys.Any, Keys.Enter, Keys.ControlJ, Keys.Tab, Keys.BackTab, Keys.Up,
                    Keys.Down, Keys.Left, Keys.Right, Keys.Backspace, Keys.Delete, Keys.Escape):
            keys.add(key, filter=holding, eager=True)(_held)

        app.key_bindings = merge_key_bindings([app.key_bindings, keys])

    stopped = object()

    def first_draw() -> None:
        # prompt_toolkit calls this just before it draws the prompt for the first time; the
        # answer (or the time running out) completes app.future, which stops the clock there
        timer.start()
        app.future.add_done_callback(lambda _: timer.stop())

    async def guarded() -> object:
        # Ctrl-C reaches us as an exception set on the prompt's future; caught here it ends
        # the task normally (a KeyboardInterrupt escaping a task is logged as never retrieved)
        try:
            return await app.run_async(pre_run=first_draw)
        except (KeyboardInterrupt, EOFError):
            return stopped

    async def run() -> object:
        task = asyncio.ensure_future(guarded())
        while True:
            # wake at least 4 times a second: a pause or an injected clock moves the end
            wait = min(0.25, max(0.01, timer.left())) if timer.running else 0.25
            done, _ = await asyncio.wait({task}, timeout=wait)
            if task in done:
                return task.result()
            if timer.expired():
                break
        if not task.done():
            timer.stop()
            app.exit(result=None)  # the time ran out: close the prompt cleanly
        # an answer given in the same instant as the end of the time still counts
        return await task

    try:
        answer = asyncio.run(run())
    except KeyboardInterrupt:
        raise Interrupted() from None
    if answer is stopped:
        raise Interrupted()
    _drop_type_ahead(app)
    return (None if answer is None else int(str(answer))), timer.stop()


def keypress(message: str, keys: Sequence[str], wrong: str, **io: Any) -> str:
    """Wait for one of `keys` ("enter" for Enter) and return it; the message goes off the
    screen then. Any other key shows `wrong` under the message and keeps waiting; Ctrl-C or
    Ctrl-D raise Interrupted, Ctrl-Z suspends. Keys typed ahead are dropped afterwards, so a
    double Enter cannot answer the question this gate leads to. For the facilitator between
    the phases of a team quiz. `io` (prompt_toolkit's input and output) is for tests."""
    from prompt_toolkit.application import Application
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys
    from prompt_toolkit.layout import HSplit, Layout, Window
    from prompt_toolkit.layout.controls import FormattedTextControl

    said = {"wrong": False}
    bindings = KeyBindings()

    def line() -> FormattedText:
        parts = [("bold", message)]
        if said["wrong"]:
            parts.append(("fg:ansiyellow", "\n" + wrong))
        return FormattedText(parts)

    for key in keys:
        def _take(event, key: str = key) -> None:  # type: ignore[no-untyped-def]
            event.app.exit(result=key)

        bindings.add(Keys.Enter if key == "enter" else key, eager=True)(_take)

    @bindings.add(Keys.Any)
    def _other(event) -> None:  # type: ignore[no-untyped-def]
        said["wrong"] = True
        event.app.invalidate()

    @bindings.add(Keys.SIGINT, eager=True)
    @bindings.add(Keys.ControlC, eager=True)
    @bindings.add(Keys.ControlD, eager=True)
    def _stop(event) -> None:  # type: ignore[no-untyped-def]
        event.app.erase_when_done = False  # what was asked stays on screen, as it was
        event.app.exit(exception=KeyboardInterrupt)

    @bindings.add(Keys.ControlZ, eager=True)
    def _suspend(event) -> None:  # type: ignore[no-untyped-def]
        event.app.suspend_to_background()

    app: Application[str] = Application(
        layout=Layout(HSplit([Window(FormattedTextControl(line), wrap_lines=True,
                                     dont_extend_height=True)])),
        key_bindings=bindings, full_screen=False, erase_when_done=True, **io)
    try:
        pressed = app.run()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted() from None
    _drop_type_ahead(app)
    return pressed
