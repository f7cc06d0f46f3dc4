#!/usr/bin/python3
"""Walk unitcalc's windows over AT-SPI, as the Orca screen reader gets them (issue 19).

Run with the SYSTEM python3 (Debian's python3-pyatspi is not in the project's venv), on
the session bus the running unitcalc window uses. ``tools/atspi_trial.sh`` sets up that
session (Xvfb at 1024x600, a D-Bus session bus, the AT-SPI bus, the window with a
throwaway data directory) and runs every check below; to run one by hand:

    apt-get install at-spi2-core python3-pyatspi xvfb dbus-x11 xdotool
    /usr/bin/python3 tools/atspi_walk.py walk [--window TITLE]
    /usr/bin/python3 tools/atspi_walk.py answer
    /usr/bin/python3 tools/atspi_walk.py pin --window TITLE --field NAME [--keys 4821]
    /usr/bin/python3 tools/atspi_walk.py listen [--seconds 4] [--field NAME --keys 12]
    /usr/bin/python3 tools/atspi_walk.py tabs [--field NAME] [--count 45]

walk    every focusable control of a window (the main window, or the top-level window
        whose title holds TITLE) with its role, name, description and labelled-by
        relation; counts the controls without a usable name: an empty name, or a combo
        box heard only by its current value (no label relation).
answer  the result's text (claim lines, units, waste, JW/JZ), read through the Text
        interface as Orca reads a label.
pin     focuses the field named NAME, types KEYS with xdotool and records everything on
        the bus meanwhile: text-changed and name/value/description changes, announcements,
        and key events (the keystroke listener Orca uses for key echo), then presses
        BackSpace. Fails (exit 1) if any typed character is heard, or BackSpace is not
        (the keystroke listener would not be working).
listen  records announcements (object:announcement) and text changes for SECONDS, while
        typing KEYS into the field named NAME (xdotool), if given.
tabs    presses Tab COUNT times from the field named NAME and lists each focus stop as
        Orca hears it (role, name, label); fails if one has no usable name.

Exit 0 when what was checked holds, 1 when not, 2 when the window is not on the bus.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pyatspi  # type: ignore[import-not-found]
from gi.repository import GLib  # type: ignore[import-not-found]

APP = "unitcalc"
#: Result labels, by the caption their accessible name starts with.
ANSWER = ("Claim lines to bill", "Units administered", "Units wasted (JW)", "Waste")
#: Parts of a combo box (its popup list, its items, its line edit) are not controls.
PARTS = {pyatspi.ROLE_LIST_ITEM, pyatspi.ROLE_MENU_ITEM, pyatspi.ROLE_SCROLL_BAR}


def application() -> Any:
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        if app is not None and app.name == APP:
            return app
    sys.exit(f"no {APP!r} application on the AT-SPI bus (is it running with accessibility on?)")


def windows() -> list[Any]:
    return [w for w in application() if w is not None]


def window(title: str | None) -> Any:
    found = windows()
    for each in found:
        if title is None and each.getRole() == pyatspi.ROLE_FRAME:
            return each
        if title is not None and title.lower() in (each.name or "").lower():
            return each
    names = ", ".join(repr(w.name) for w in found)
    print(f"no window titled {title!r}; on the bus: {names}", file=sys.stderr)
    sys.exit(2)


def descendants(node: Any, parts: bool = False) -> Iterator[Any]:
    """Everything under ``node``; a combo box's list and line edit only with ``parts``."""
    for child in node:
        if child is None:
            continue
        yield child
        if parts or child.getRole() != pyatspi.ROLE_COMBO_BOX:
            yield from descendants(child, parts)


def labels(node: Any) -> list[str]:
    found = []
    for relation in node.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            for index in range(relation.getNTargets()):
                found.append(relation.getTarget(index).name)
    return found


def value(node: Any) -> str:
    """What a combo box shows: its selected item, or its line edit's text."""
    try:
        selected = node.querySelection()
        if selected.nSelectedChildren:
            return str(selected.getSelectedChild(0).name)
    except NotImplementedError:
        pass
    for child in descendants(node):
        if child.getRole() == pyatspi.ROLE_TEXT:
            return text_of(child)
    for child in node:
        if child is not None and child.getRole() == pyatspi.ROLE_TEXT:
            return text_of(child)
    return str(node.name)


def text_of(node: Any) -> str:
    try:
        text = node.queryText()
    except NotImplementedError:
        return ""
    return str(text.getText(0, text.characterCount))


def controls(root: Any) -> list[Any]:
    found = []
    for node in descendants(root):
        states = node.getState()
        if node.getRole() in PARTS:
            continue
        if states.contains(pyatspi.STATE_FOCUSABLE) and states.contains(pyatspi.STATE_SHOWING):
            found.append(node)
    return found


def unusable(node: Any) -> str:
    """Why ``node`` has no usable name ('' when it has one)."""
    name = (node.name or "").strip()
    heard = [words for words in labels(node) if words.strip()]
    if not name and not heard:
        return "no name"
    if node.getRole() == pyatspi.ROLE_COMBO_BOX and not heard and name == value(node):
        return "only its value"
    return ""


def walk(args: argparse.Namespace) -> int:
    root = window(args.window)
    found = controls(root)
    bad = 0
    print(f"{root.getRoleName()} {root.name!r}")
    for node in found:
        why = unusable(node)
        bad += bool(why)
        related = f" labelled-by={labels(node)}" if labels(node) else ""
        mark = f"  <-- {why}" if why else ""
        print(f"  {node.getRoleName():12} name={node.name!r} "
              f"description={node.description!r}{related}{mark}")  # fmt: skip
    print(f"{bad} of {len(found)} focusable controls without a usable name")
    return 1 if bad else 0


def answer(args: argparse.Namespace) -> int:
    root = window(args.window)
    heard = {}
    for node in descendants(root):
        if node.getRole() == pyatspi.ROLE_LABEL and node.getState().contains(pyatspi.STATE_SHOWING):
            text = text_of(node) or node.name
            for caption in ANSWER:
                if text.startswith(caption + ":"):
                    heard.setdefault(caption, text)
    for caption in ANSWER:
        print(f"  {heard.get(caption, caption + ': NOT ON THE BUS')}")
    return 0 if len(heard) == len(ANSWER) else 1


def record(events: list[str], seconds: float, then: Callable[[], None]) -> None:
    """Collect bus events into ``events`` for ``seconds`` after running ``then``."""

    def on_event(event: Any) -> None:
        source = getattr(event.source, "name", "?")
        events.append(f"{event.type} [{source}] {event.any_data!r}")

    def on_key(event: Any) -> bool:
        kind = "press" if event.type == pyatspi.KEY_PRESSED_EVENT else "release"
        events.append(f"key {kind} {event.event_string!r} keysym={event.id}")
        return False

    kinds = ["object:text-changed", "object:property-change:accessible-name",
             "object:property-change:accessible-value",
             "object:property-change:accessible-description", "object:announcement",
             "object:text-caret-moved"]  # fmt: skip
    pyatspi.Registry.registerEventListener(on_event, *kinds)
    pyatspi.Registry.registerKeystrokeListener(
        on_key, mask=pyatspi.allModifiers(),
        kind=(pyatspi.KEY_PRESSED_EVENT, pyatspi.KEY_RELEASED_EVENT),
    )  # fmt: skip

    def start() -> bool:
        then()
        GLib.timeout_add(int(seconds * 1000), stop)
        return False

    def stop() -> bool:
        pyatspi.Registry.stop()
        return False

    GLib.timeout_add(300, start)
    pyatspi.Registry.start()
    pyatspi.Registry.deregisterEventListener(on_event, *kinds)


def find(root: Any, name: str) -> Any:
    for node in descendants(root, parts=True):
        if node.name == name and node.getRole() in (pyatspi.ROLE_TEXT, pyatspi.ROLE_PASSWORD_TEXT):
            return node
    sys.exit(f"no text field named {name!r} in {root.name!r}")


def xdotool(command: str) -> None:
    subprocess.run(["xdotool", *command.split()], check=True)


def leaks(line: str, typed: str) -> bool:
    """Whether an event carries a typed character: a key event's text or keysym (an
    ASCII keysym is the character's code), any other event's data, less the length the
    PIN field announces ('PIN: 4 characters')."""
    if line.startswith("key "):
        text, keysym = re.fullmatch(r"key \w+ '(.*)' keysym=(\d+)", line).groups()  # type: ignore[union-attr]
        return (bool(text) and text in typed) or chr(int(keysym)) in typed
    carried = re.sub(r"PIN: \d+ characters?", "", line.split(" [", 1)[-1])
    return any(c in carried for c in typed)


def pin(args: argparse.Namespace) -> int:
    field = find(window(args.window), args.field)
    print(f"field {field.getRoleName()} {field.name!r}")
    field.queryComponent().grabFocus()
    events: list[str] = []

    # BackSpace last: heard by name, it shows the keystroke listener works at all.
    def typing() -> None:
        xdotool(f"type --delay 120 {args.keys}")
        xdotool("key BackSpace")

    record(events, 2.0, typing)
    for line in events:
        print("  heard:", line)
    leaked = [line for line in events if leaks(line, args.keys)]
    print(f"  the field now holds {text_of(field)!r} ({field.getRoleName()})")
    for line in leaked:
        print("  LEAK:", line)
    named = any(line.startswith("key press 'BackSpace'") for line in events)
    print(
        f"{len(leaked)} events carried a typed character; {len(events)} events heard; "
        f"BackSpace {'heard' if named else 'NOT heard (is the keystroke listener on?)'}"
    )
    return 1 if leaked or not named else 0


def listen(args: argparse.Namespace) -> int:
    if args.field:
        find(window(args.window), args.field).queryComponent().grabFocus()
    events: list[str] = []
    keys = f"type --delay 150 {args.keys}" if args.keys else ""
    record(events, args.seconds, lambda: keys and xdotool(keys))
    said = [line for line in events if line.startswith("object:announcement")]
    for line in said:
        print("  announced:", line)
    print(f"{len(said)} announcements, {len(events)} events")
    return 0 if said else 1


def tabs(args: argparse.Namespace) -> int:
    """Press Tab ``count`` times from the field named ``field`` and say what gets the
    focus each time, as Orca announces it (object:state-changed:focused)."""
    find(window(args.window), args.field).queryComponent().grabFocus()
    stops: list[str] = []
    bad = 0

    def focused(event: Any) -> None:
        nonlocal bad
        if event.detail1 != 1 or event.source.getRole() in PARTS:
            return
        why = unusable(event.source)
        bad += bool(why)
        heard = " / ".join([event.source.name, *labels(event.source)])
        stops.append(f"{event.source.getRoleName():12} {heard!r}" + (f"  <-- {why}" if why else ""))

    pyatspi.Registry.registerEventListener(focused, "object:state-changed:focused")
    events: list[str] = []
    record(events, 2.0, lambda: xdotool(f"key --delay 150 {' '.join(['Tab'] * args.count)}"))
    for number, stop in enumerate(stops, 1):
        print(f"  {number:2}. {stop}")
    print(f"{len(stops)} focus stops for {args.count} Tabs, {bad} without a usable name")
    return 1 if bad or not stops else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, run in (
        ("walk", walk), ("answer", answer), ("pin", pin), ("listen", listen), ("tabs", tabs)
    ):  # fmt: skip
        command = commands.add_parser(name)
        command.set_defaults(run=run)
        command.add_argument("--window", help="part of the window's title (default: main)")
        if name == "pin":
            command.add_argument("--field", required=True, help="the field's accessible name")
            command.add_argument("--keys", default="4821", help="what to type")
        if name == "tabs":
            command.add_argument("--field", default="Concentration", help="start here")
            command.add_argument("--count", type=int, default=45)
        if name == "listen":
            command.add_argument("--seconds", type=float, default=4.0)
            command.add_argument("--field", help="focus the text field of this name first")
            command.add_argument("--keys", default="", help="then type these keys")
    args = parser.parse_args()
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
