# kpprefs.py: the preferences window driven with the keyboard, the settings as a
# keyfile, and a throwaway keyring, for the ui tests.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import shutil
import subprocess
import tempfile

import gi

import kpui
from kpui import (PATIENCE, Focus, Pos, child_env, do_action, focus_in, focus_watch, run,
                  wait_until)
from kpwindows import WindowsMixin

gi.require_version('Atspi', '2.0')
gi.require_version('Secret', '1')
from gi.repository import Atspi, Gio, GLib, Secret  # noqa: E402

SCHEMA = Secret.Schema.new('io.github.kppos.KakaoPayPos', Secret.SchemaFlags.NONE,
                           {'kind': Secret.SchemaAttributeType.STRING})


# -- the throwaway keyring --

def start_keyring():
    """An unlocked gnome-keyring on this session bus, its files in a temporary home."""
    home = tempfile.mkdtemp(prefix='kp-ui-keyring-')
    dirs = {}
    for name, sub in (('HOME', 'home'), ('XDG_DATA_HOME', 'data'),
                      ('XDG_CONFIG_HOME', 'config'), ('XDG_RUNTIME_DIR', 'runtime')):
        path = os.path.join(home, sub)
        os.makedirs(path, mode=0o700)
        dirs[name] = path
    env = child_env(dirs)
    # Whatever the bus starts on demand gets the temporary home too.
    run(['dbus-update-activation-environment'] +
        ['%s=%s' % (name, env[name]) for name in ('HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME')],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    run(['gnome-keyring-daemon', '--unlock', '--components=secrets'],
        input=b'kp-test-password', env=env, stdout=subprocess.DEVNULL, check=True)
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)

    def owned():
        reply = bus.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                              'org.freedesktop.DBus', 'NameHasOwner',
                              GLib.Variant('(s)', ('org.freedesktop.secrets',)),
                              GLib.VariantType('(b)'), Gio.DBusCallFlags.NONE, -1, None)
        return reply.unpack()[0]
    wait_until('the test keyring on the bus', owned)
    return home


def keyring(kind):
    return Secret.password_lookup_sync(SCHEMA, {'kind': kind}, None)


def keyring_clear(kinds=('secret-key', 'relay-token', 'cid-secret')):
    for kind in kinds:
        Secret.password_clear_sync(SCHEMA, {'kind': kind}, None)


def main(cases, argv):
    """kpui.main, with the throwaway keyring on the bus before any case runs: a program
    that reached for the keyring first would have the bus start one of its own, locked
    (and prompting, with no one to answer)."""
    kpui.session()
    xvfb = kpui.start_xvfb()
    keyring_home = start_keyring()
    try:
        return kpui.Tap(cases).run(argv[1] if len(argv) > 1 else None)
    finally:
        xvfb.terminate()
        xvfb.wait()
        shutil.rmtree(keyring_home, ignore_errors=True)


# -- the program and its preferences --

class PrefsPos(WindowsMixin, Pos):
    def keyfile(self):
        path = os.path.join(self.env['XDG_CONFIG_HOME'], 'glib-2.0', 'settings', 'keyfile')
        try:
            with open(path, encoding='utf-8') as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def setting(self, key):
        match = re.search(r'^%s=(.*)$' % re.escape(key), self.keyfile(), re.M)
        return match.group(1) if match else None

    def journal_bytes(self):
        data = b''
        for suffix in ('', '-wal', '-shm'):
            try:
                with open(self.journal + suffix, 'rb') as f:
                    data += f.read()
            except FileNotFoundError:
                pass
        return data

    def focus_main_window(self, then=None):
        """Gives the main window the keyboard, again whenever it loses it, until it has
        it (and @then holds). Without a window manager a window closing late (the
        preferences, its dialog) takes the X focus with it, on a slow machine even after
        the main window had it back."""
        def active():
            try:
                return self.frame.get_state_set().contains(Atspi.StateType.ACTIVE)
            except GLib.Error:
                return False

        def focus():
            if not active():
                found = run(['xdotool', 'search', '--pid', str(self.proc.pid),
                             '--name', '^KakaoPay POS'],
                            capture_output=True, text=True).stdout.split()
                for window in found:
                    run(['xdotool', 'windowfocus', window], stderr=subprocess.DEVNULL,
                        check=False)
                return False
            return then is None or then()
        wait_until('the main window to have the keyboard', focus)

    def preferences(self):
        self.key('ctrl+comma', to=self.window_focus())
        prefs = Prefs(self, self.wait_window('Preferences', role='frame'))
        # The window opens with the focus on its first page's tab.
        wait_until('the preferences to have the keyboard',
                   lambda: prefs.focused_widget() is not None)
        return prefs


class Prefs:
    """The preferences window, driven with the keyboard: GTK 4.8 takes neither the
    focus nor text through AT-SPI, and a pointer click can land on a toast."""

    # Tab presses to reach any widget of a page (it has fewer than this).
    MAX_TABS = 60

    def __init__(self, pos, window):
        self.pos = pos
        self.win = window

    def find(self, role, name, exact=True, timeout=PATIENCE):
        def look():
            for r, n, focused, acc in self.win.widgets():
                if r == role and (n == name if exact else name in n):
                    return acc
            return None
        return wait_until('%s “%s”' % (role, name), look, timeout)

    def page(self, title):
        """Shows the page @title (its tab's click action) and waits until it is."""
        do_action(self.find('page tab', title))

        def shown():
            return any(r == 'page tab' and n == title and
                       acc.get_state_set().contains(Atspi.StateType.SELECTED)
                       for r, n, focused, acc in self.win.widgets())
        wait_until('the page “%s”' % title, shown)

    def focused_widget(self):
        """The widget holding the keyboard focus in the window (by its state, or by
        the focus events for an entry row), or None."""
        if not self.win.active():
            return None
        holder = kpui.focused_in(self.win.acc)
        return holder if holder is not None else focus_watch().current

    def on_text(self, row, what):
        """The focus is in the text of the entry row @row: GTK 4.8 reports it only by
        the focus events (see kpui.FocusWatch), and no widget of the window has the
        FOCUSED state (the row's own buttons do when they have the focus)."""
        inside = focus_in(self.win.acc, row, what)
        return Focus(what, lambda: inside() and kpui.focused_in(self.win.acc) is None)

    def on(self, acc, what):
        """The focus is on @acc itself."""
        return Focus(what, lambda: self.win.active() and
                     kpui.same(kpui.focused_in(self.win.acc), acc))

    def focus(self, acc, target):
        """Moves the keyboard focus to @acc, until @target (a Focus) holds, with Tab
        (or Shift+Tab, whichever way @acc lies in the window), one press at a time,
        each time waiting for the focus to move."""
        what = target.what
        order = [a for r, n, f, a in self.win.widgets()]

        def position(widget):
            for i, candidate in enumerate(order):
                if kpui.same(candidate, widget):
                    return i
            return -1
        goal = position(acc)
        for _ in range(self.MAX_TABS):
            if target():
                return target
            here = self.focused_widget()
            key = 'shift+Tab' if goal < position(here) else 'Tab'
            serial = focus_watch().serial
            self.pos.key(key, to=self.win.whole())
            wait_until('the focus to move from %s' % kpui.describe(here),
                       lambda: focus_watch().serial > serial and
                       self.focused_widget() is not None)
        raise AssertionError('%s could not be reached with Tab (the focus is on %s)' % (
            what, kpui.describe(self.focused_widget())))

    def fill(self, title, text, apply=True):
        """Types into the entry row @title (replacing what is there) and applies it."""
        acc = self.find('text', title)
        row = self.focus(acc, self.on_text(acc, 'the text of the field “%s”' % title))
        self.pos.key('ctrl+a', 'BackSpace', to=row)
        if text:
            self.pos.type(text, into=row)
        try:
            wait_until('“%s” typed' % title, lambda: self.text_of(title) == text)
        except AssertionError as error:
            raise AssertionError('%s: it reads “%s” (the focus is on %s)' % (
                error, self.text_of(title), kpui.describe(self.focused_widget())))
        if apply:
            self.pos.key('Return', to=row)

    def expand(self, title):
        """Opens the expander row @title (Enter on it)."""
        acc = self.find('list item', title)
        row = self.focus(acc, self.on(acc, 'the expander “%s”' % title))
        self.pos.key('Return', to=row)

    def text_of(self, title):
        acc = self.find('text', title)
        return Atspi.Text.get_text(acc, 0, Atspi.Text.get_character_count(acc)) or ''

    def click(self, label):
        """Clicks the push button whose label (mnemonic aside) is @label."""
        acc = self.find('push button', label, exact=False)
        do_action(acc, 'click')

    def switch_on(self, title):
        acc = self.find('check box', title)
        return acc.get_state_set().contains(Atspi.StateType.CHECKED)

    def toggle(self, title):
        do_action(self.find('check box', title))

    def has_text(self, fragment):
        return self.win.has_text(fragment)

    def wait_text(self, fragment, timeout=PATIENCE):
        return self.win.wait_text(fragment, timeout)


def assert_no_secret(pos, secret):
    """Nowhere but the keyring: not the settings, the journal, the output, the logs."""
    assert secret not in pos.keyfile(), 'the secret is in the settings'
    assert secret.encode() not in pos.journal_bytes(), 'the secret is in the journal'
    assert secret not in pos.output(), 'the secret is in the output'
    for root, dirs, files in os.walk(pos.dir):
        for name in files:
            path = os.path.join(root, name)
            if path.endswith('.log') or name.startswith('journal.sqlite3'):
                continue
            try:
                with open(path, 'rb') as f:
                    assert secret.encode() not in f.read(), 'the secret is in ' + path
            except OSError:
                pass
