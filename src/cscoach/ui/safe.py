"""Every string reaches the terminal as text: never as Rich markup, never as a control sequence.

Content, exports, trainee and team names and file names come from other people's hands. A
scenario title `[link=https://x]` must not become a link, a trainee named `[/]` must not crash
a report, and an ESC from a crafted export must not write to the clipboard (OSC 52), retitle the
window or clear the screen. So every console is made by `console()` here: markup and emoji codes
off, and a render hook that shows any control or bidi-override character still inside a segment
as a visible escape (`\\x1b`), after every renderable has been laid out. Rich's own colours and
cursor moves are separate control segments and pass untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cscoach.plain import UNSAFE, visible

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderResult
    from rich.text import Text

class _Shown:
    """A renderable laid out as usual, then every text segment made safe."""

    def __init__(self, inner: ConsoleRenderable) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        for segment in console.render(self.inner, options):
            text, style, control = segment
            if control is None and UNSAFE.search(text):
                yield Segment(visible(text), style)
            else:
                yield segment


def console(*, stderr: bool = False, width: int | None = None,
            height: int | None = None) -> Console:
    """A console that prints every string as text (see the module's docstring)."""
    from rich.console import Console, RenderHook

    class SafeHook(RenderHook):
        """Wraps what is printed so its text segments are made safe."""

        def process_renderables(self, renderables: list[ConsoleRenderable]
                                ) -> list[ConsoleRenderable]:
            return [_Shown(r) for r in renderables]

    out = Console(stderr=stderr, highlight=False, markup=False, emoji=False, width=width,
                  height=height)
    out.push_render_hook(SafeHook())
    return out


def text(value: str, style: str = "") -> Text:
    """A Rich Text of `value` taken literally: for the places Rich would read a str as markup
    whatever the console says (a Panel's title and subtitle)."""
    from rich.text import Text

    return Text(visible(value), style=style)
