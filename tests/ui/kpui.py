# kpui.py: drive kakaopay-pos like a cashier (keyboard through xdotool), read the
# screen (AT-SPI, screenshots decoded by zbarimg) and the journal (SQLite, CSV).
#
# Every run starts from an environment of its own (session()): a temporary home,
# runtime and temporary directory, a private session bus and a private X server, and
# only the variables listed here; nothing of the caller's environment reaches the
# program but the paths of the built programs. Nothing waits for time to pass: every
# wait is for a condition, checked until a generous deadline, and every key goes out
# only once the keyboard focus is where it is meant to land.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import csv
import gettext
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402

# The build tree's programs and data, the only things taken from the caller.
PASSED_ON = ('KP_POS', 'KP_SCHEMAS', 'KP_LOCALEDIR', 'KP_SANDBOX', 'KP_RELAY',
             # Where kakaopay-pos finds its payment page module (the build tree's).
             'KP_MODULE_DIR',
             # Another terminal replicating to a shop database (test-shop.py).
             'KP_SHOP_TERMINAL',
             # The build's own memory checks (meson sets MALLOC_PERTURB_, sanitizers).
             'MALLOC_PERTURB_', 'ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS',
             'ASAN_SYMBOLIZER_PATH')

# What every process of a run relies on, set explicitly.
FIXED_ENV = {
    'PATH': '/usr/bin:/bin',
    'LANG': 'C.UTF-8',
    'LC_ALL': 'C.UTF-8',
    'TZ': 'UTC',
    'XDG_DATA_DIRS': '/usr/share',
    'XDG_CONFIG_DIRS': '/etc/xdg',
    'GDK_BACKEND': 'x11',
    'GSK_RENDERER': 'cairo',
    'GTK_A11Y': 'atspi',
    'GTK_IM_MODULE': 'gtk-im-context-simple',
    'ADW_DISABLE_PORTAL': '1',
    'GSETTINGS_BACKEND': 'memory',
    'GIO_USE_VFS': 'local',
    'GIO_USE_PROXY_RESOLVER': 'dummy',
    'G_DEBUG': 'gc-friendly',
    'MALLOC_CHECK_': '2',
    'PYTHONDONTWRITEBYTECODE': '1',
    'PYTHONNOUSERSITE': '1',
}

# Set per run by session(), and per process below.
SESSION_DIRS = ('HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME',
                'XDG_STATE_HOME', 'XDG_RUNTIME_DIR', 'TMPDIR')
# No GIO modules from the machine: gvfs's volume monitors (the file chooser asks them),
# glib-networking, dconf… Which of them a machine has must not change what a test sees.
NO_GIO_MODULES = ('GIO_MODULE_DIR', 'GIO_EXTRA_MODULES')
ALLOWED = (tuple(FIXED_ENV) + SESSION_DIRS + PASSED_ON + NO_GIO_MODULES +
           ('GSETTINGS_SCHEMA_DIR', 'DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'KP_UI_SESSION'))

# How long any one thing may take on a loaded machine before the test gives up on it.
# A wait ends as soon as its condition holds, so a generous deadline costs nothing.
PATIENCE = 90.0


def _dirs(root, names=SESSION_DIRS):
    out = {}
    for name in names:
        path = os.path.join(root, name.lower())
        os.makedirs(path, mode=0o700, exist_ok=True)
        out[name] = path
    return out


def session():
    """Runs the calling script again in a clean session of its own, unless this is that
    run: the environment is FIXED_ENV, directories in a new temporary directory and
    PASSED_ON, on a private session bus (so the accessibility bus and the keyring that
    bus starts get that environment too). Removes the directory afterwards and exits
    with the script's status.

    The session bus's services (the accessibility registry) print to their standard
    output: the script's results (TAP) reach the caller's on a descriptor of their
    own, the bus's output goes to the standard error."""
    if os.environ.get('KP_UI_SESSION') == '1':
        tap = os.environ.pop('KP_UI_TAP_FD', None)
        if tap is not None:
            sys.stdout.flush()
            os.dup2(int(tap), 1)
            os.close(int(tap))
        return
    for name in ('KP_POS', 'KP_SCHEMAS'):
        if name not in os.environ:
            sys.exit('%s is not set: run the ui tests through meson test' % name)
    root = tempfile.mkdtemp(prefix='kp-ui-session-')
    env = dict(FIXED_ENV)
    env.update(_dirs(root))
    env.update({name: os.environ[name] for name in PASSED_ON if name in os.environ})
    env['GSETTINGS_SCHEMA_DIR'] = os.environ['KP_SCHEMAS']
    # A directory that does not exist: GIO skips it.
    env.update(GIO_MODULE_DIR=os.path.join(root, 'no-gio-modules'), GIO_EXTRA_MODULES='')
    env['KP_UI_SESSION'] = '1'
    sys.stdout.flush()
    tap = os.dup(1)
    env['KP_UI_TAP_FD'] = str(tap)
    try:
        status = subprocess.run(['dbus-run-session', '--', sys.executable,
                                 os.path.abspath(sys.argv[0])] + sys.argv[1:],
                                env=env, cwd=root, stdout=sys.stderr, pass_fds=(tap,)).returncode
    finally:
        shutil.rmtree(root, ignore_errors=True)
    sys.exit(status)


def child_env(extra=None):
    """The environment of a process the test starts: the allowed variables of this
    run's own (clean) environment, and @extra."""
    env = {name: os.environ[name] for name in ALLOWED if name in os.environ}
    env.update(extra or {})
    return env


def stop(proc):
    """Ends @proc: SIGTERM, then SIGKILL if it has not exited within PATIENCE."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(PATIENCE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(argv, **kwargs):
    """subprocess.run with the run's clean environment unless told otherwise."""
    kwargs.setdefault('env', child_env())
    return subprocess.run(argv, **kwargs)


if os.environ.get('KP_UI_SESSION') == '1':
    POS = os.environ['KP_POS']
    SCHEMAS = os.environ['KP_SCHEMAS']
else:
    POS = os.environ.get('KP_POS', '')
    SCHEMAS = os.environ.get('KP_SCHEMAS', '')


# -- waiting --

def pump():
    """Delivers the AT-SPI events that arrived (the focus watch below)."""
    context = GLib.MainContext.default()
    while context.pending():
        context.iteration(False)


def wait_until(what, predicate, timeout=PATIENCE, step=0.1):
    deadline = time.monotonic() + timeout
    while True:
        pump()
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError('timed out waiting for ' + what)
        time.sleep(step)


# -- AT-SPI: the focus --

def same(a, b):
    # GTK names its accessibles by random UUIDs: the path alone tells them apart.
    return a is not None and b is not None and a.path == b.path


def within(acc, ancestor):
    """Whether @acc is @ancestor or one of its descendants."""
    hops = 0
    try:
        while acc is not None and hops < 64:
            if same(acc, ancestor):
                return True
            acc = acc.get_parent()
            hops += 1
    except GLib.Error:
        pass
    return False


def extents(acc):
    rect = acc.get_extents(Atspi.CoordType.SCREEN)
    return rect.x, rect.y, rect.width, rect.height


def overlaps(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def charge_button(pos):
    for role, name, focused, acc in pos.widgets():
        if role == 'push button' and name.startswith(pos._('Charge %s') % ''):
            return acc
    for role, name, focused, acc in pos.widgets():
        if role == 'label' and name.startswith(pos._('Charge %s') % ''):
            parent = acc
            while parent is not None and parent.get_role_name() != 'push button':
                parent = parent.get_parent()
            return parent
    return None


def covering_charge(pos):
    """The texts on screen drawn over the Charge button (a pop-up message)."""
    button_acc = charge_button(pos)
    assert button_acc is not None, pos.texts()
    area = extents(button_acc)
    covering = []
    for role, name, focused, acc in pos.widgets():
        if role != 'label' or not name or within(acc, button_acc):
            continue
        try:
            label_area = extents(acc)
        except GLib.Error:
            # Gone since the walk (a list row recycled, a message timed out).
            continue
        if overlaps(label_area, area):
            covering.append(name)
    return covering


def states(acc):
    try:
        return acc.get_state_set()
    except (GLib.Error, AttributeError):
        return Atspi.StateSet.new([])


class FocusWatch:
    """The keyboard focus as GTK announces it, event by event.

    GTK 4.8 gives the text of an entry row (AdwEntryRow) no accessible of its own: its
    focus never shows as a FOCUSED state, only as a "focused" change of the row's inner
    box (not focusable itself), with the value FALSE whether the focus arrives or
    leaves. A change on a focusable widget is read as it says; one on a widget that
    cannot take the focus means the focus went into it, unless it was there already
    (then it left)."""

    def __init__(self):
        self.current = None
        self.serial = 0
        self.listener = Atspi.EventListener.new(self._on_event)
        self.listener.register('object:state-changed:focused')

    def _on_event(self, event):
        source = event.source
        self.serial += 1
        if event.detail1:
            self.current = source
        elif same(source, self.current):
            self.current = None
        elif not states(source).contains(Atspi.StateType.FOCUSABLE):
            self.current = source


_focus_watch = None


def focus_watch():
    global _focus_watch
    if _focus_watch is None:
        _focus_watch = FocusWatch()
    return _focus_watch


class Focus:
    """Where the keyboard focus has to be before a key is sent: @check tells whether
    it is there, @what names the place in messages."""

    def __init__(self, what, check):
        self.what = what
        self.check = check

    def __call__(self):
        try:
            return self.check()
        except GLib.Error:
            return False


def first_focused(window):
    """The widget with the FOCUSED state in @window, or None."""
    stack = [window]
    try:
        while stack:
            acc = stack.pop()
            if acc is None:
                continue
            s = acc.get_state_set()
            if not s.contains(Atspi.StateType.VISIBLE):
                continue
            if s.contains(Atspi.StateType.FOCUSED) and acc is not window:
                return acc
            stack.extend(acc.get_child_at_index(i)
                         for i in reversed(range(acc.get_child_count())))
    except GLib.Error:
        pass
    return None


def focused_in(window):
    """The widget of @window that has the FOCUSED state, or None: the one the focus
    events name if it still has it (a few calls), None if they name the text of an
    entry row (no widget has the state then), else the one found in the window's
    tree."""
    current = focus_watch().current
    if current is not None and within(current, window):
        held = states(current)
        if held.contains(Atspi.StateType.FOCUSED):
            return current
        if not held.contains(Atspi.StateType.FOCUSABLE):
            # The text of an entry row, which no state shows.
            return None
    return first_focused(window)


def role_and_name(acc):
    try:
        return (acc.get_role_name(), acc.get_name() or '') if acc is not None else None
    except GLib.Error:
        return None


def window_active(window):
    """Whether @window has the keyboard. GTK 4.8 gives only plain windows (frames) the
    ACTIVE state: a dialog has the keyboard when one of its widgets has the focus."""
    if states(window).contains(Atspi.StateType.ACTIVE):
        return True
    try:
        return window.get_role_name() == 'dialog' and first_focused(window) is not None
    except (GLib.Error, AttributeError):
        return False


def focus_in(window, target, what):
    """The focus is on @target (an accessible in @window) or inside it: its window is
    the active one, and the widget holding the focus is @target or a descendant, by
    its state or, for the entry rows GTK 4.8 does not report, by the focus events."""
    def check():
        if not window_active(window):
            return False
        holder = focused_in(window)
        if holder is not None:
            return within(holder, target)
        current = focus_watch().current
        return current is not None and within(current, target)
    return Focus(what, check)


def describe(acc):
    if acc is None:
        return 'nothing'
    try:
        return '%s “%s”' % (acc.get_role_name(), acc.get_name() or '')
    except GLib.Error:
        return 'a widget that is gone'


def do_action(acc, name=None):
    """Runs @acc's action @name (its first without one), as a screen reader does."""
    n = Atspi.Action.get_n_actions(acc)
    with warnings.catch_warnings():
        # The only way to read an action's name in this AT-SPI version.
        warnings.simplefilter('ignore', DeprecationWarning)
        names = [Atspi.Action.get_action_name(acc, i) for i in range(n)]
    Atspi.Action.do_action(acc, names.index(name) if name in names else 0)


def start_xvfb():
    """A private X server on a display number it picks itself (-displayfd), so
    concurrent runs never race for the same display. Returns the X server's process.

    Nothing clicks, and the pointer stays parked at the top left corner, where every
    window opens without a window manager: away from the toasts at the bottom (a toast
    under the pointer stays until the pointer leaves) and over the topmost window,
    which takes the keyboard when the window that had it closes."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(['Xvfb', '-displayfd', str(write_fd), '-screen', '0', '1280x800x24',
                             '-nolisten', 'tcp', '-noreset'],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=child_env())
    os.close(write_fd)
    number = b''
    while not number.endswith(b'\n'):
        chunk = os.read(read_fd, 16)
        if not chunk:
            raise RuntimeError('Xvfb did not start')
        number += chunk
    os.close(read_fd)
    os.environ['DISPLAY'] = ':' + number.decode().strip()
    run(['xdotool', 'mousemove', '--sync', '2', '2'], check=True)
    focus_watch()
    return proc


# -- HTTP --

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# Loopback only: no proxy, whatever the environment says.
_opener = urllib.request.build_opener(NoRedirect, urllib.request.ProxyHandler({}))


def http(url, data=None):
    """GET (or POST a form) without following redirects: (status, headers, body)."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with _opener.open(urllib.request.Request(url, data=body), timeout=PATIENCE) as reply:
            return reply.status, reply.headers, reply.read().decode('utf-8', 'replace')
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode('utf-8', 'replace')


def wait_gone(url, what='the terminal to refuse the link'):
    """Until the terminal answers 410 to @url: the listener lets an order go just after
    the sale's final state is journaled, and a request in between is only heard again
    (and ignored)."""
    wait_until(what, lambda: http(url)[0] == 410)


# -- the program --

def app_env(home, settings=None, language='en', extra=None):
    """The environment of kakaopay-pos with its own home, runtime and settings under
    @home: the keyfile backend with @settings, or in-memory settings without."""
    env = child_env(_dirs(home, ('HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME',
                                 'XDG_STATE_HOME', 'XDG_RUNTIME_DIR')))
    env['GSETTINGS_SCHEMA_DIR'] = SCHEMAS
    env['LANGUAGE'] = language
    if 'KP_LOCALEDIR' in os.environ:
        env['KAKAOPAY_POS_LOCALEDIR'] = os.environ['KP_LOCALEDIR']
    # No animations: a page, a revealer or a dialog is where it ends up at once.
    gtk_dir = os.path.join(env['XDG_CONFIG_HOME'], 'gtk-4.0')
    os.makedirs(gtk_dir, exist_ok=True)
    with open(os.path.join(gtk_dir, 'settings.ini'), 'w') as f:
        f.write('[Settings]\ngtk-enable-animations=false\ngtk-cursor-blink=false\n')
    if settings is not None:
        keyfile_dir = os.path.join(env['XDG_CONFIG_HOME'], 'glib-2.0', 'settings')
        os.makedirs(keyfile_dir, exist_ok=True)
        with open(os.path.join(keyfile_dir, 'keyfile'), 'w') as f:
            f.write('[io/github/kppos/KakaoPayPos]\n')
            for key, value in settings.items():
                f.write('%s=%s\n' % (key, value))
        env['GSETTINGS_BACKEND'] = 'keyfile'
    else:
        env['GSETTINGS_BACKEND'] = 'memory'
    env.update(extra or {})
    return env


def webkit_env():
    """What WebKit's processes (the payment page, test-page.py) need here, for the
    programs that show a page: no GL compositing (no GPU under Xvfb: drawing in software
    is about twice as fast), and no web process sandbox where the machine does not let
    bubblewrap make one (a container without user namespaces), the way WebKit would
    then refuse to start a page at all."""
    env = {'WEBKIT_DISABLE_COMPOSITING_MODE': '1'}
    try:
        sandboxed = subprocess.run(['bwrap', '--ro-bind', '/', '/', '--unshare-all',
                                    '--die-with-parent', 'true'],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   env=child_env(), timeout=PATIENCE).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        sandboxed = False
    if not sandboxed:
        env['WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS'] = '1'
    return env


def no_display(env):
    return {k: v for k, v in env.items() if k != 'DISPLAY'}


class Pos:
    """One kakaopay-pos process with its own home, settings and journal."""

    def __init__(self, args=(), settings=None, sandbox=True, extra_env=None, language='en'):
        self.dir = tempfile.mkdtemp(prefix='kp-ui-')
        self.journal = os.path.join(self.dir, 'journal.sqlite3')
        self.language = language
        self.env = app_env(self.dir, settings or None, language, extra_env)
        argv = [POS, '--journal', self.journal] + (['--sandbox'] if sandbox else []) + list(args)
        self.log = open(os.path.join(self.dir, 'pos.log'), 'w')
        self.proc = subprocess.Popen(argv, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self._started()

    def _started(self):
        self.frame = wait_until('the window', self._find_frame)
        # The journal opens asynchronously; the Charge button shows a total once ready.
        wait_until('the cart', lambda: self.has_text(self._('Charge %s') % ''))

    def _(self, text):
        """@text as the program shows it in its language."""
        if self.language == 'en' or 'KP_LOCALEDIR' not in os.environ:
            return text
        return gettext.translation('kakaopay-pos', os.environ['KP_LOCALEDIR'],
                                   [self.language], fallback=True).gettext(text)

    # -- processes --

    def close(self):
        stop(self.proc)
        self.log.close()

    def cleanup(self):
        self.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def bench_lines(self, count):
        """The figures of the first `count` "bench" lines the program printed."""
        values = [float(line.split()[2]) for line in self.output().splitlines()
                  if line.startswith('bench ') and not line.startswith('bench first-frame')]
        return values if len(values) >= count else None

    def output(self):
        with open(os.path.join(self.dir, 'pos.log')) as f:
            return f.read()

    # -- the screen --

    def _find_frame(self):
        desktop = Atspi.get_desktop(0)
        for i in range(desktop.get_child_count()):
            app = desktop.get_child_at_index(i)
            try:
                if app is not None and app.get_process_id() == self.proc.pid:
                    for j in range(app.get_child_count()):
                        child = app.get_child_at_index(j)
                        if child.get_role() == Atspi.Role.FRAME:
                            return child
            except GLib.Error:
                pass
        if self.proc.poll() is not None:
            raise AssertionError('kakaopay-pos exited: ' + self.output())
        return None

    def _walk(self, acc, out):
        if acc is None:
            return
        try:
            states = acc.get_state_set()
            if not states.contains(Atspi.StateType.VISIBLE):
                return
            out.append((acc.get_role_name(), acc.get_name() or '',
                        states.contains(Atspi.StateType.FOCUSED), acc))
            for i in range(acc.get_child_count()):
                self._walk(acc.get_child_at_index(i), out)
        except (GLib.Error, AttributeError, TypeError):
            # A widget that went away while being read (a toast timing out).
            pass

    def widgets(self):
        out = []
        self._walk(self.frame, out)
        return out

    def texts(self):
        return [name for role, name, focused, acc in self.widgets() if role == 'label']

    def error_text(self):
        """The input error shown at the fields (an alert), or None."""
        for role, name, focused, acc in self.widgets():
            if role == 'alert' and name:
                return name
        return None

    def has_text(self, fragment):
        return any(fragment in t for t in self.texts())

    def wait_text(self, fragment, timeout=PATIENCE):
        return wait_until('“%s” on screen' % fragment, lambda: self.has_text(fragment), timeout)

    def focused(self):
        """(role, name) of the main window's widget with the focus, or None."""
        return role_and_name(focused_in(self.frame))

    def screenshot(self):
        path = os.path.join(self.dir, 'shot-%d.png' % time.monotonic_ns())
        run(['import', '-window', 'root', path], check=True)
        return path

    def qr(self, timeout=PATIENCE):
        """The text of the QR code on screen, decoded by zbarimg."""
        def decode():
            path = self.screenshot()
            result = run(['zbarimg', '-q', '--raw', path], capture_output=True, text=True)
            os.unlink(path)
            return result.stdout.strip() if result.returncode == 0 else None
        return wait_until('a QR code', decode, timeout, step=0.2)

    # -- where the keyboard is --

    def window_focus(self):
        """The main window has the keyboard (for its shortcuts)."""
        return Focus('the main window', lambda: window_active(self.frame))

    def field(self, name, role='text'):
        """The focus is on the main window's widget @role named @name (in English: it
        is translated for the program's language)."""
        shown = self._(name)
        return Focus('“%s” (%s) in the main window' % (shown, role),
                     lambda: self.focused() == (role, shown))

    def where_focus(self):
        """Where the focus is, for messages: the active window and its focused widget."""
        parts = []
        app = self.frame.get_parent() if self.frame is not None else None
        try:
            for i in range(app.get_child_count() if app is not None else 0):
                window = app.get_child_at_index(i)
                if window is not None and window_active(window):
                    parts.append('window %s, widget %s' % (
                        describe(window), describe(first_focused(window) or
                                                   focus_watch().current)))
        except GLib.Error:
            pass
        return '; '.join(parts) or 'no window of the program is active'

    def expect_focus(self, focus, doing):
        try:
            wait_until('the keyboard focus on %s before %s' % (focus.what, doing), focus)
        except AssertionError as error:
            raise AssertionError('%s (the focus is on: %s)' % (error, self.where_focus()))

    # -- the keyboard --

    def type(self, text, into):
        """Types @text once the keyboard focus is @into (a Focus)."""
        self.expect_focus(into, 'typing “%s”' % text)
        run(['xdotool', 'type', '--delay', '15', '--file', '-'], input=text.encode(), check=True)

    def key(self, *keys, to):
        """Presses @keys once the keyboard focus is @to (a Focus). The keys go to one
        window: a key that opens or closes a window ends a call."""
        self.expect_focus(to, 'pressing %s' % ' '.join(keys))
        run(['xdotool', 'key', '--delay', '40'] + list(keys), check=True)

    def clear_fields(self):
        """Empties item, quantity and price wherever the focus is among them, and
        leaves the focus on the item field."""
        order = ['Item name', 'Quantity', 'Unit price']
        focus = self.focused()
        shown = [self._(name) for name in order]
        assert focus is not None and focus[1] in shown, focus
        index = shown.index(focus[1])
        for i in range(index, 0, -1):
            self.key('shift+Tab', to=self.field(order[i]))
        for i in range(3):
            self.key('ctrl+a', 'BackSpace', to=self.field(order[i]))
            if i < 2:
                self.key('Tab', to=self.field(order[i]))
        self.key('shift+Tab', 'shift+Tab', to=self.field('Unit price'))
        wait_until('focus on the item field', self.field('Item name'))

    def add_line(self, name, quantity, price):
        self.type(name, into=self.field('Item name'))
        self.key('Tab', to=self.field('Item name'))
        self.type(str(quantity), into=self.field('Quantity'))
        self.key('Tab', to=self.field('Quantity'))
        self.type(price, into=self.field('Unit price'))
        self.key('Return', to=self.field('Unit price'))

    # -- the journal --

    def sales(self):
        db = sqlite3.connect('file:%s?mode=ro' % self.journal, uri=True)
        db.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in db.execute('SELECT * FROM sales ORDER BY id')]
        finally:
            db.close()

    def transitions(self, order_id):
        db = sqlite3.connect('file:%s?mode=ro' % self.journal, uri=True)
        try:
            return [row[0] for row in db.execute(
                'SELECT t.to_state FROM transitions t JOIN sales s ON s.id = t.sale_id '
                'WHERE s.partner_order_id = ? ORDER BY t.id', (order_id,))]
        finally:
            db.close()

    def wait_state(self, state, timeout=PATIENCE):
        def check():
            sales = self.sales()
            return sales[-1] if sales and sales[-1]['state'] == state else None
        return wait_until('journal state ' + state, check, timeout)

    def export_csv(self):
        path = os.path.join(self.dir, 'export.csv')
        run([POS, '--journal', self.journal, '--export-journal', path],
            env=no_display(self.env), check=True, timeout=PATIENCE)
        with open(path, newline='', encoding='utf-8') as f:
            return list(csv.reader(f))


def customer(url, action, method='MONEY'):
    """The customer's phone: open the payment page, press a button, follow the redirect
    to the terminal. Returns (redirect URL, status, body) of the terminal's answer."""
    status, headers, body = http(url)
    assert status == 200, 'payment page answered %d' % status
    status, headers, body = http(url, {'action': action, 'method': method})
    assert status == 303, 'the page answered %d to %s' % (status, action)
    location = headers['Location']
    status, headers, body = http(location)
    return location, status, body


class Skip(Exception):
    """Raised by a case that cannot run in this build: reported as skipped, with why."""


class Tap:
    """A minimal TAP producer: one line per case."""

    def __init__(self, cases):
        self.cases = cases

    def run(self, only=None):
        cases = [c for c in self.cases if only is None or only in c.__name__]
        print('1..%d' % len(cases), flush=True)
        failed = 0
        for n, case in enumerate(cases, 1):
            name = case.__name__.replace('test_', '').replace('_', '-')
            start = time.monotonic()
            try:
                case()
                print('ok %d /kp/ui/%s # %.1f s' % (n, name, time.monotonic() - start),
                      flush=True)
            except Skip as why:
                print('ok %d /kp/ui/%s # SKIP %s' % (n, name, why), flush=True)
            except Exception as error:  # noqa: BLE001 - every failure is reported
                failed += 1
                print('not ok %d /kp/ui/%s' % (n, name), flush=True)
                for line in ('%s: %s' % (type(error).__name__, error)).splitlines():
                    print('# ' + line, flush=True)
                import traceback
                for line in traceback.format_exc().splitlines():
                    print('# ' + line, flush=True)
        return 1 if failed else 0


def main(cases, argv):
    """The usual test program: a clean session, an X server, the cases as TAP."""
    session()
    xvfb = start_xvfb()
    try:
        return Tap(cases).run(argv[1] if len(argv) > 1 else None)
    finally:
        xvfb.terminate()
        xvfb.wait()
