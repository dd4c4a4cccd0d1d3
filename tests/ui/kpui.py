# kpui.py: drive kakaopay-pos like a cashier (keyboard through xdotool), read the
# screen (AT-SPI, screenshots decoded by zbarimg) and the journal (SQLite, CSV).
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import csv
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

POS = os.environ['KP_POS']
SCHEMAS = os.environ['KP_SCHEMAS']


def private_accessibility_bus():
    """The accessibility bus that dbus-run-session starts on demand puts its socket in
    the user's runtime directory, or ~/.cache/at-spi without one: a UI run elsewhere
    under the same HOME would replace it under our feet. The services this session
    starts get a runtime directory of their own, before anything asks for that bus."""
    path = tempfile.mkdtemp(prefix='kp-ui-run-')
    subprocess.run(['dbus-update-activation-environment', 'XDG_RUNTIME_DIR=' + path],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return path


def start_xvfb():
    """A private X server on a display number it picks itself (-displayfd), so
    concurrent runs never race for the same display, and a private accessibility bus.
    Returns the X server's process."""
    private_accessibility_bus()
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(['Xvfb', '-displayfd', str(write_fd), '-screen', '0', '1280x800x24',
                             '-nolisten', 'tcp', '-noreset'],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(write_fd)
    number = b''
    while not number.endswith(b'\n'):
        chunk = os.read(read_fd, 16)
        if not chunk:
            raise RuntimeError('Xvfb did not start')
        number += chunk
    os.close(read_fd)
    os.environ['DISPLAY'] = ':' + number.decode().strip()
    return proc


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(NoRedirect)


def http(url, data=None):
    """GET (or POST a form) without following redirects: (status, headers, body)."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with _opener.open(urllib.request.Request(url, data=body), timeout=10) as reply:
            return reply.status, reply.headers, reply.read().decode('utf-8', 'replace')
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode('utf-8', 'replace')


def wait_until(what, predicate, timeout=20.0, step=0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError('timed out waiting for ' + what)
        time.sleep(step)


class Pos:
    """One kakaopay-pos process with its own home, settings and journal."""

    def __init__(self, args=(), settings=None, sandbox=True, extra_env=None, language='en'):
        self.dir = tempfile.mkdtemp(prefix='kp-ui-')
        self.journal = os.path.join(self.dir, 'journal.sqlite3')
        env = dict(os.environ)
        for name, sub in (('HOME', 'home'), ('XDG_CONFIG_HOME', 'config'),
                          ('XDG_DATA_HOME', 'data'), ('XDG_CACHE_HOME', 'cache'),
                          ('XDG_RUNTIME_DIR', 'runtime')):
            path = os.path.join(self.dir, sub)
            os.makedirs(path, mode=0o700)
            env[name] = path
        env['GSETTINGS_SCHEMA_DIR'] = SCHEMAS
        env['GSK_RENDERER'] = 'cairo'
        env['LC_ALL'] = 'C.UTF-8'
        env['LANGUAGE'] = language
        if 'KP_LOCALEDIR' in os.environ:
            env['KAKAOPAY_POS_LOCALEDIR'] = os.environ['KP_LOCALEDIR']
        if settings:
            keyfile_dir = os.path.join(env['XDG_CONFIG_HOME'], 'glib-2.0', 'settings')
            os.makedirs(keyfile_dir)
            with open(os.path.join(keyfile_dir, 'keyfile'), 'w') as f:
                f.write('[io/github/kppos/KakaoPayPos]\n')
                for key, value in settings.items():
                    f.write('%s=%s\n' % (key, value))
            env['GSETTINGS_BACKEND'] = 'keyfile'
        else:
            env['GSETTINGS_BACKEND'] = 'memory'
        env.update(extra_env or {})
        self.env = env
        argv = [POS, '--journal', self.journal] + (['--sandbox'] if sandbox else []) + list(args)
        self.log = open(os.path.join(self.dir, 'pos.log'), 'w')
        self.proc = subprocess.Popen(argv, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.frame = wait_until('the window', self._find_frame, timeout=30)
        # The journal opens asynchronously; the Charge button shows a total once ready.
        wait_until('the cart', lambda: self.has_text('Charge') or self.has_text(' 결제'))

    # -- processes --

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
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
            except gi.repository.GLib.Error:
                pass
        if self.proc.poll() is not None:
            raise AssertionError('kakaopay-pos exited: ' + self.output())
        return None

    def _walk(self, acc, out):
        try:
            states = acc.get_state_set()
            if not states.contains(Atspi.StateType.VISIBLE):
                return
            out.append((acc.get_role_name(), acc.get_name() or '',
                        states.contains(Atspi.StateType.FOCUSED), acc))
            for i in range(acc.get_child_count()):
                self._walk(acc.get_child_at_index(i), out)
        except (gi.repository.GLib.Error, AttributeError, TypeError):
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

    def wait_text(self, fragment, timeout=20.0):
        return wait_until('“%s” on screen' % fragment, lambda: self.has_text(fragment), timeout)

    def focused(self):
        for role, name, focused, acc in self.widgets():
            if focused:
                return role, name
        return None

    def screenshot(self):
        path = os.path.join(self.dir, 'shot-%d.png' % time.monotonic_ns())
        subprocess.run(['import', '-window', 'root', path], check=True)
        return path

    def qr(self, timeout=20.0):
        """The text of the QR code on screen, decoded by zbarimg."""
        def decode():
            path = self.screenshot()
            result = subprocess.run(['zbarimg', '-q', '--raw', path],
                                    capture_output=True, text=True)
            os.unlink(path)
            return result.stdout.strip() if result.returncode == 0 else None
        return wait_until('a QR code', decode, timeout, step=0.3)

    # -- the keyboard --

    def type(self, text):
        subprocess.run(['xdotool', 'type', '--delay', '15', '--file', '-'], input=text.encode(),
                       check=True)

    def key(self, *keys):
        subprocess.run(['xdotool', 'key', '--delay', '40'] + list(keys), check=True)

    def clear_fields(self):
        """Empties item, quantity and price wherever the focus is among them, and
        leaves the focus on the item field."""
        order = ['Item name', 'Quantity', 'Unit price']
        focus = self.focused()
        assert focus is not None and focus[1] in order, focus
        index = order.index(focus[1])
        for _ in range(index):
            self.key('shift+Tab')
        for i in range(3):
            self.key('ctrl+a', 'BackSpace')
            if i < 2:
                self.key('Tab')
        self.key('shift+Tab', 'shift+Tab')
        wait_until('focus on the item field', lambda: self.focused() == ('text', 'Item name'))

    def add_line(self, name, quantity, price):
        self.type(name)
        self.key('Tab')
        self.type(str(quantity))
        self.key('Tab')
        self.type(price)
        self.key('Return')

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

    def wait_state(self, state, timeout=20.0):
        def check():
            sales = self.sales()
            return sales[-1] if sales and sales[-1]['state'] == state else None
        return wait_until('journal state ' + state, check, timeout)

    def export_csv(self):
        path = os.path.join(self.dir, 'export.csv')
        env = {k: v for k, v in self.env.items() if k not in ('DISPLAY', 'WAYLAND_DISPLAY')}
        subprocess.run([POS, '--journal', self.journal, '--export-journal', path],
                       env=env, check=True, timeout=30)
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
            except Exception as error:  # noqa: BLE001 - every failure is reported
                failed += 1
                print('not ok %d /kp/ui/%s' % (n, name), flush=True)
                for line in ('%s: %s' % (type(error).__name__, error)).splitlines():
                    print('# ' + line, flush=True)
                import traceback
                for line in traceback.format_exc().splitlines():
                    print('# ' + line, flush=True)
        return 1 if failed else 0
