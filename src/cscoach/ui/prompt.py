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
                 seconds: float | None = None, clock: str = "⏱ {left}s", erase: bool = False,
                 paused: str = "", pause_key: str = "") -> tuple[int | None, float]:
    """`select` with an optional countdown under the list. Returns (position or None when the
    time ran out, seconds taken). The clock starts when the prompt is first drawn, not when it
    is asked for. `erase` wipes the prompt and the answer off the screen when done (so the next
    team on a shared screen does not see it). With a `pause_key`, that key stops the clock (the
    line under the list says `paused`, no answer is taken) and starts it again."""
    import asyncio
    import time

    import questionary
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys
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
    budget = seconds
    # the clock: when it started (the first draw), how long it stood paused, and since when
    state: dict[str, float | None] = {"start": None, "held": 0.0, "since": None}

    def spent() -> float:
        begun = state["start"]
        if begun is None:
            return 0.0
        now = time.monotonic()
        since = state["since"]
        held = float(state["held"] or 0.0) + (now - since if since is not None else 0.0)
        return now - begun - held

    def left() -> FormattedText:
        if state["since"] is not None:
            return FormattedText([("fg:ansicyan bold", " " + paused)])
        remaining = max(0, int(budget - spent() + 0.999))
        style = "fg:ansired bold" if remaining <= 5 else "fg:ansiyellow"
        return FormattedText([(style, " " + clock.format(left=remaining))])

    old = app.layout
    app.layout = Layout(HSplit([old.container, Window(FormattedTextControl(left), height=1)]),
                        focused_element=old.current_window)
    app.refresh_interval = 0.25
    if pause_key:
        holding = Condition(lambda: state["since"] is not None)
        keys = KeyBindings()

        @keys.add(pause_key, eager=True)
        def _pause(event) -> None:  # type: ignore[no-untyped-def]
            since = state["since"]
            if since is None:
                state["since"] = time.monotonic()
            else:
                state["held"] = float(state["held"] or 0.0) + time.monotonic() - since
                state["since"] = None
            event.app.invalidate()

        def _held(event) -> None:  # type: ignore[no-untyped-def]
            pass  # paused: no answer is taken, no option moved to, until the clock runs

        for key in (Keys.Any, Keys.Enter, Keys.Up, Keys.Down, " ", *"0123456789jk"):
            keys.add(key, filter=holding, eager=True)(_held)

        app.key_bindings = merge_key_bindings([app.key_bindings, keys]) \
            if app.key_bindings else keys

    stopped = object()

    def first_draw() -> None:
        state["start"] = time.monotonic()

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
            wait = 0.25 if state["since"] is not None or state["start"] is None else max(
                0.01, budget - spent())
            done, _ = await asyncio.wait({task}, timeout=wait)
            if task in done:
                return task.result()
            if state["since"] is None and state["start"] is not None and spent() >= budget:
                break
        if not task.done():
            app.exit(result=None)  # the time ran out: close the prompt cleanly
        # an answer given in the same instant as the end of the time still counts
        return await task

    try:
        answer = asyncio.run(run())
    except (KeyboardInterrupt, EOFError):  # a signal between prompts
        raise Interrupted() from None
    if answer is stopped:
        raise Interrupted()
    taken = min(budget, spent())
    return (None if answer is None else int(str(answer))), taken


def keypress(message: str, keys: dict[str, str], wrong: str) -> str:
    """Wait for one of `keys` (a key -> what it does, "enter" for Enter); return it. Any other
    key shows `wrong` under the message and keeps waiting; Ctrl-C or Ctrl-D raise
    Interrupted. For the facilitator between the phases of a team quiz."""
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
        event.app.exit(exception=KeyboardInterrupt)

    app: Application[str] = Application(
        layout=Layout(HSplit([Window(FormattedTextControl(line), wrap_lines=True,
                                     dont_extend_height=True)])),
        key_bindings=bindings, full_screen=False)
    try:
        return app.run()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted() from None
