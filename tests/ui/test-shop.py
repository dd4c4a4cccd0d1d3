#!/usr/bin/python3
# test-shop.py: the shop database in the window, end to end, under Xvfb.
#
# It runs itself in a clean session of its own (kpui.session) and starts its own Xvfb
# and a real PostgreSQL 15 (Debian's postgresql-15 binaries, a cluster in a temporary
# folder, reached only through a socket there). kakaopay-pos runs with --shop-db on it:
# sales reach the shop's tables and the window's line about the shop database stays
# hidden; with PostgreSQL stopped, the line says how many changes wait (the journal's
# unsent outbox), and it goes once PostgreSQL is back and they are sent. History's
# "Whole Shop" then lists another terminal's sale too (kp-test-shop-terminal, a real
# replicator in a process of its own), with each sale's terminal, read only.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import gettext
import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

import kpui
from kpui import POS, PATIENCE, Pos, child_env, customer, no_display, run, wait_until
from kpwindows import WindowsMixin, button

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

PG_BIN = os.environ.get('KP_TEST_PG_BINDIR', '/usr/lib/postgresql/15/bin')


def pg_available():
    return all(os.access(os.path.join(PG_BIN, name), os.X_OK)
               for name in ('initdb', 'pg_ctl', 'postgres', 'psql'))


class Postgres:
    """A PostgreSQL cluster of the test's own. initdb refuses to run as root: then its
    programs run as nobody, in a folder nobody owns (under /tmp, which nobody reaches)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='kp-ui-pg-', dir='/tmp')
        self.data = os.path.join(self.dir, 'data')
        self.log = os.path.join(self.dir, 'log')
        self.running = False
        if os.getuid() == 0:
            nobody = pwd.getpwnam('nobody')
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
        self._run('initdb', '-D', self.data, '-U', 'kp', '-A', 'trust', '-E', 'UTF8',
                  '--locale=C', '--no-sync')
        self.conninfo = 'host=%s port=5432 dbname=postgres user=kp' % self.dir
        self.start()

    def _run(self, program, *args):
        argv = [os.path.join(PG_BIN, program)] + list(args)
        if os.getuid() == 0:
            argv = ['/usr/sbin/runuser', '-u', 'nobody', '--'] + argv
        result = subprocess.run(argv, cwd=self.dir, env=child_env(), capture_output=True,
                                text=True, timeout=PATIENCE * 2)
        if result.returncode != 0:
            log = ''
            if os.path.exists(self.log):
                with open(self.log) as f:
                    log = f.read()
            raise AssertionError('%s failed: %s%s%s' % (program, result.stdout,
                                                        result.stderr, log))
        return result.stdout

    def start(self):
        self._run('pg_ctl', '-D', self.data, '-l', self.log, '-w', '-t', '120', '-o',
                  "-k %s -c listen_addresses='' -p 5432 -c fsync=off" % self.dir, 'start')
        self.running = True

    def stop(self):
        self._run('pg_ctl', '-D', self.data, '-w', '-t', '120', '-m', 'fast', 'stop')
        self.running = False

    def query(self, sql):
        return self._run('psql', '-X', '-A', '-t', '-d', self.conninfo, '-c', sql).strip()

    def cleanup(self):
        if self.running:
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class ShopPos(WindowsMixin, Pos):
    def unsent(self):
        db = sqlite3.connect('file:%s?mode=ro' % self.journal, uri=True)
        try:
            return db.execute('SELECT count (*) FROM outbox WHERE sent_at IS NULL').fetchone()[0]
        finally:
            db.close()

    def shop_line(self):
        """The window's line about the shop database, or None while it is hidden."""
        for role, name, focused, acc in self.widgets():
            if role == 'label' and name.startswith(self._('Shop database')):
                return name
        return None


def preferences_status(pos):
    """Opens the preferences on the page Approvals; returns the window."""
    pos.key('ctrl+comma', to=pos.window_focus())
    prefs = pos.wait_window('Preferences', role='frame')
    tab = wait_until('the tab Approvals', lambda: next(
        (acc for role, name, focused, acc in prefs.widgets()
         if role == 'page tab' and name == 'Approvals'), None))
    Atspi.Action.do_action(tab, 0)
    prefs.wait_text('Shop database status')
    return prefs


def offline_text(pos, n):
    translation = gettext.NullTranslations()
    if pos.language != 'en' and 'KP_LOCALEDIR' in os.environ:
        translation = gettext.translation('kakaopay-pos', os.environ['KP_LOCALEDIR'],
                                          [pos.language], fallback=True)
    return translation.ngettext('Shop database offline, %u change waiting',
                                'Shop database offline, %u changes waiting', n) % n


def sell(pos, name, price):
    before = len(pos.sales())
    pos.add_line(name, 1, price)
    wait_until('the line', lambda: pos.has_text(name))
    pos.key('ctrl+Return', to=pos.window_focus())
    customer(pos.qr(), 'pay')
    pos.wait_text('Payment Approved')
    sale = wait_until('the approved sale', lambda: len(pos.sales()) > before and
                      pos.sales()[-1]['state'] == 'APPROVED' and pos.sales()[-1])
    wait_until('focus on New Sale', button(pos, 'New Sale (Enter)'))
    pos.key('Return', to=button(pos, 'New Sale (Enter)'))
    pos.wait_text('Charge ₩0')
    return sale


def init_shop_db(pg, home):
    env = no_display(kpui.app_env(home))
    result = run([POS, '--shop-db', pg.conninfo, '--init-shop-db'], env=env,
                 capture_output=True, text=True, timeout=PATIENCE)
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)


def test_indicator_follows_replication():
    pg = Postgres()
    pos = None
    home = tempfile.mkdtemp(prefix='kp-ui-shop-')
    try:
        init_shop_db(pg, home)
        pos = ShopPos(args=['--shop-db', pg.conninfo, '--terminal-id', 'T7'])

        # Online: the sale reaches the shop, and nothing is said about it.
        first = sell(pos, 'Coffee', '4500')
        wait_until('the sale in the shop database',
                   lambda: pg.query("SELECT count (*) FROM sales WHERE partner_order_id = '%s'"
                                    % first['partner_order_id']) == '1')
        wait_until('everything sent', lambda: pos.unsent() == 0)
        wait_until('no line about the shop database', lambda: pos.shop_line() is None)

        # Offline: the line says what waits, as the journal counts it.
        pg.stop()
        second = sell(pos, 'Tea', '3000')

        def offline_shown():
            line = pos.shop_line()
            n = pos.unsent()
            return n > 0 and line == offline_text(pos, n) and line
        line = wait_until('the offline line', offline_shown)
        assert re.search(r'offline, \d+ changes? waiting$', line), line

        # The preferences say the same, with libpq's reason.
        prefs = preferences_status(pos)
        n = pos.unsent()
        prefs.wait_text('Offline, %d change%s waiting — ' % (n, '' if n == 1 else 's'))
        assert prefs.has_text('Set on the command line for this run.')

        # Back: the changes go, and so does the line.
        pg.start()
        wait_until('the second sale in the shop database',
                   lambda: pg.query("SELECT count (*) FROM sales WHERE partner_order_id = '%s'"
                                    % second['partner_order_id']) == '1')
        wait_until('everything sent again', lambda: pos.unsent() == 0)
        wait_until('the line gone', lambda: pos.shop_line() is None)
        prefs.wait_text('Online, all changes sent')
        pos.key('Escape', to=prefs.whole())

        # Another terminal's sale, replicated by a process of its own.
        other = tempfile.mkdtemp(prefix='kp-ui-shop-other-')
        try:
            result = run([os.environ['KP_SHOP_TERMINAL'], os.path.join(other, 'journal'), 'T9',
                          pg.conninfo, '1'], env=child_env(), capture_output=True, text=True,
                         timeout=PATIENCE)
            assert result.returncode == 0 and 'synced' in result.stdout, result
        finally:
            shutil.rmtree(other, ignore_errors=True)
        other_order = pg.query("SELECT partner_order_id FROM sales WHERE terminal_id = 'T9'")
        assert other_order, 'no sale of T9 in the shop database'

        # This terminal's history: its own sales only.
        wait_until('the main window', lambda: pos.find_window('KakaoPay POS', role='frame'))
        pos.key('ctrl+f', to=pos.window_focus())
        wait_until('this terminal\'s sales', lambda: pos.has_text(second['partner_order_id']))
        assert not pos.has_text(other_order)
        assert not pos.has_text('T9')

        # The whole shop: every terminal's sales of the day, with their terminal.
        def push_button(name):
            return wait_until('the button “%s”' % name, lambda: next(
                (acc for role, text, focused, acc in pos.widgets()
                 if role == 'push button' and text == name), None))
        Atspi.Action.do_action(push_button('Whole Shop'), 0)
        wait_until('the terminal column', lambda: pos.has_text('Terminal'))
        wait_until('the day\'s sales of the shop', lambda: pos.has_text('2 sales') and
                   pos.has_text(first['partner_order_id']) and
                   pos.has_text(second['partner_order_id']) and pos.has_text('T7'))
        # T9's sale is of another day: searched for over every day.
        pos.key('ctrl+f', to=pos.window_focus())
        entry = pos.field('Search sales', 'entry')
        pos.key('alt+a', to=entry)
        pos.key('ctrl+f', to=pos.window_focus())
        pos.type(other_order, into=entry)
        try:
            wait_until('the other terminal\'s sale', lambda: pos.has_text(other_order) and
                       pos.has_text('T9') and pos.has_text('1 sale'))
        except AssertionError:
            raise AssertionError('not shown: %r' % pos.texts())
        # Read only: no sale of the list opens for a refund.
        assert not any(role == 'push button' and name.startswith('Refund')
                       for role, name, focused, acc in pos.widgets())

        # Back to this terminal: its journal has no such sale.
        Atspi.Action.do_action(push_button('This Terminal'), 0)
        try:
            wait_until('no match here', lambda: '0 sales' in pos.texts() and
                       'T9' not in pos.texts())
        except AssertionError:
            raise AssertionError('still shown: %r' % pos.texts())
    finally:
        if pos is not None:
            pos.cleanup()
        pg.cleanup()
        shutil.rmtree(home, ignore_errors=True)


CASES = [test_indicator_follows_replication]

if __name__ == '__main__':
    if not pg_available():
        kpui.session()
        print('1..0 # SKIP postgresql-15 not installed', flush=True)
        sys.exit(0)
    sys.exit(kpui.main(CASES, sys.argv))
