#!/usr/bin/python3
# test-desktop.py: the About window, opened from the primary menu, under Xvfb.
#
# It runs itself in a clean session of its own (kpui.session: a private session bus
# for AT-SPI, a temporary home) and starts its own Xvfb.
# The case starts kakaopay-pos, opens the primary menu and its About item through
# AT-SPI, and reads the About window: the name, the version the program reports with
# --version, the developer, the website and the issue page; Escape closes it.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import sys
import warnings

import gi

import kpui
from kpui import PATIENCE, POS, Focus, Pos, run, wait_until, window_active

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

# Atspi.Action.get_action_name is deprecated for a get_name that Python cannot reach.
warnings.filterwarnings('ignore', category=DeprecationWarning)


def walk(acc, out):
    try:
        if not acc.get_state_set().contains(Atspi.StateType.VISIBLE):
            return
        out.append((acc.get_role_name(), acc.get_name() or '', acc.get_description() or '',
                    acc))
        for i in range(acc.get_child_count()):
            walk(acc.get_child_at_index(i), out)
    except (gi.repository.GLib.Error, AttributeError, TypeError):
        pass


def click_action(acc):
    """The index of the accessible's click action, or None."""
    try:
        for i in range(Atspi.Action.get_n_actions(acc)):
            if Atspi.Action.get_action_name(acc, i) == 'click':
                return i
    except (gi.repository.GLib.Error, AttributeError, TypeError):
        pass
    return None


def click(acc):
    index = click_action(acc)
    assert index is not None, '%s has no click action' % acc.get_name()
    Atspi.Action.do_action(acc, index)


def top_levels(pos):
    app = pos.frame.get_parent()
    return [app.get_child_at_index(i) for i in range(app.get_child_count())]


def about_window(pos, accessible=False):
    """The About window's widgets (or, with @accessible, the window), or None."""
    for window in top_levels(pos):
        if window is None or window.get_name() == pos.frame.get_name():
            continue
        widgets = []
        walk(window, widgets)
        if widgets:
            return window if accessible else widgets
    return None


def test_about():
    pos = Pos()
    try:
        version = run([POS, '--version'], env=pos.env, capture_output=True,
                      text=True, check=True, timeout=PATIENCE).stdout.split()[-1]
        widgets = []
        walk(pos.frame, widgets)
        menu = [acc for role, name, description, acc in widgets
                if role in ('push button', 'toggle button') and description == 'Main Menu' and
                click_action(acc) is not None]
        assert menu, 'no primary menu button'
        click(menu[0])

        def about_item():
            found = []
            walk(pos.frame, found)
            items = [acc for role, name, description, acc in found
                     if role == 'menu item' and name == 'About KakaoPay POS']
            return items[0] if items else None
        click(wait_until('the About item', about_item))

        def about_texts():
            return [name for role, name, description, acc in about_window(pos) or []]
        wait_until('the version in the About window',
                   lambda: any(version in text for text in about_texts()))
        texts = about_texts()
        for expected in ('KakaoPay POS', 'The KakaoPay POS authors', 'Website',
                         'Report an Issue'):
            assert any(expected in text for text in texts), (expected, texts)

        pos.key('Escape', to=Focus('the About window', lambda: window_active(
            about_window(pos, accessible=True))))
        wait_until('the About window to close', lambda: about_window(pos) is None)
    finally:
        pos.cleanup()


if __name__ == '__main__':
    sys.exit(kpui.main([test_about], sys.argv))
