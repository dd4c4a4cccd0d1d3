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
# replicator in a process of its own), with each sale's terminal, read only. The day
# report's "Whole Shop" adds up every terminal's day, lists them and which one has not
# sent everything, and its Close Day… says so before closing the shop's day. In
# Preferences, a connection string libpq cannot read is refused under its row, and one
# with a password is saved without it, the password going to a throwaway keyring (on
# the bus before any case: the terminal looks its password up there).
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import contextlib
import datetime
import gettext
import os
import pwd
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile

import kpui
from kpui import POS, PATIENCE, child_env, customer, no_display, run, wait_until
import kpprefs
from kpprefs import PrefsPos, assert_no_secret, keyring, keyring_clear
from kpwindows import button

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

    @contextlib.contextmanager
    def locked(self, table):
        """Holds @table locked while inside: every statement that reads or writes it
        waits until the lock goes."""
        argv = [os.path.join(PG_BIN, 'psql'), '-X', '-A', '-t', '-q', '-d', self.conninfo]
        if os.getuid() == 0:
            argv = ['/usr/sbin/runuser', '-u', 'nobody', '--'] + argv
        psql = subprocess.Popen(argv, cwd=self.dir, env=child_env(), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        try:
            psql.stdin.write("BEGIN;\nLOCK TABLE %s IN ACCESS EXCLUSIVE MODE;\n"
                             "SELECT 'locked';\n" % table)
            psql.stdin.flush()
            line = psql.stdout.readline()
            assert line.strip() == 'locked', line
            yield
        finally:
            psql.stdin.write('COMMIT;\n')
            psql.stdin.close()
            psql.wait(PATIENCE)
            psql.stdout.close()

    def cleanup(self):
        if self.running:
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class ShopPos(PrefsPos):
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


def push(window, name):
    """The button @name of @window (or of the main window: a Pos), once shown."""
    return wait_until('the button “%s”' % name, lambda: next(
        (acc for role, text, focused, acc in window.widgets()
         if role in ('push button', 'toggle button') and text.endswith(name)), None))


def init_shop_db(pg, home):
    env = no_display(kpui.app_env(home))
    result = run([POS, '--shop-db', pg.conninfo, '--init-shop-db'], env=env,
                 capture_output=True, text=True, timeout=PATIENCE)
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)


@contextlib.contextmanager
def terminal_t7():
    """A PostgreSQL of the test's own, set up as a shop database, and kakaopay-pos
    replicating to it as terminal T7."""
    pg = Postgres()
    pos = None
    home = tempfile.mkdtemp(prefix='kp-ui-shop-')
    try:
        init_shop_db(pg, home)
        pos = ShopPos(args=['--shop-db', pg.conninfo, '--terminal-id', 'T7'])
        yield pg, pos
    finally:
        if pos is not None:
            pos.cleanup()
        pg.cleanup()
        shutil.rmtree(home, ignore_errors=True)


def test_indicator_follows_replication():
    with terminal_t7() as (pg, pos):

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
        Atspi.Action.do_action(push(pos, 'Whole Shop'), 0)
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
        Atspi.Action.do_action(push(pos, 'This Terminal'), 0)
        try:
            wait_until('no match here', lambda: '0 sales' in pos.texts() and
                       'T9' not in pos.texts())
        except AssertionError:
            raise AssertionError('still shown: %r' % pos.texts())


def other_terminal(pg, terminal_id, n_sales, stage=None):
    """Sells @n_sales today as @terminal_id in a process of its own, replicating to @pg.
    With @stage, the replicator stops for good at its first batch's @stage and the
    process is killed there: the terminal has sent part of its journal."""
    other = tempfile.mkdtemp(prefix='kp-ui-shop-other-')
    noon = datetime.datetime.now(datetime.timezone.utc).replace(hour=12, minute=0, second=0,
                                                                microsecond=0)
    env = child_env({'KP_TEST_SHOP_START': noon.isoformat()})
    argv = [os.environ['KP_SHOP_TERMINAL'], os.path.join(other, 'journal'), terminal_id,
            pg.conninfo, str(n_sales)] + ([stage] if stage else [])
    try:
        if stage is None:
            result = run(argv, env=env, capture_output=True, text=True, timeout=PATIENCE)
            assert result.returncode == 0 and 'synced' in result.stdout, result
            return
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline()
            assert line.startswith('paused '), line
        finally:
            proc.kill()
            proc.wait()
            proc.stdout.close()
    finally:
        shutil.rmtree(other, ignore_errors=True)


def busy(window):
    """Whether @window says it is busy (its spinner, to assistive technologies)."""
    return any(acc.get_state_set().contains(Atspi.StateType.BUSY)
               for role, name, focused, acc in window.widgets())


def won(text):
    return int(text.replace('₩', '').replace(',', ''))


def test_whole_shop_day_report_and_close():
    with terminal_t7() as (pg, pos):
        sell(pos, 'Coffee', '4500')
        sell(pos, 'Tea', '3000')
        wait_until('everything sent', lambda: pos.unsent() == 0)
        # T8 sends all of its day; T9 is killed after its first batch.
        other_terminal(pg, 'T8', 6)
        other_terminal(pg, 'T9', 6, 'committed')
        t9 = pg.query("SELECT replicated_seq || ' ' || journal_seq FROM terminals "
                      "WHERE terminal_id = 'T9'").split()
        assert int(t9[0]) < int(t9[1]), t9

        wait_until('the main window', lambda: pos.find_window('KakaoPay POS', role='frame'))
        pos.key('ctrl+d', to=pos.window_focus())
        report = pos.wait_window('Day Report', role='frame')
        report.wait_text('Not closed')
        # This terminal's own day: its two sales, no terminals listed.
        assert report.texts()[report.texts().index('Sales') + 1] == '2', report.texts()
        assert not report.has_text('By terminal')

        Atspi.Action.do_action(push(report, 'Whole Shop'), 0)
        report.wait_text('By terminal')
        report.wait_text('Terminal T9')

        def rows():
            """The terminals' rows: id → (subtitle, net)."""
            out = {}
            widgets = report.widgets()
            for i, (role, name, focused, acc) in enumerate(widgets):
                match = re.match(r'Terminal (T\d+)', name)
                if role == 'list item' and match:
                    labels = [n for r, n, f, a in widgets[i + 1:i + 8] if r == 'label']
                    subtitle = next(n for n in labels if ' sale' in n)
                    net = next(n for n in labels if n.startswith('₩'))
                    out[match.group(1)] = (subtitle, won(net))
            return out
        terminals = wait_until('three terminals', lambda: len(rows()) == 3 and rows())
        assert report.has_text('Terminal T7 (this terminal)'), report.texts()
        assert terminals['T7'][1] == 7500, terminals
        assert 'all changes sent' in terminals['T7'][0], terminals
        assert 'all changes sent' in terminals['T8'][0], terminals
        behind = int(t9[1]) - int(t9[0])
        assert '%d changes not sent yet' % behind in terminals['T9'][0], terminals
        # The total is the sum of the terminals'.
        texts = report.texts()
        net = won(texts[texts.index('Net') + 1])
        assert net == sum(net for subtitle, net in terminals.values()), (net, terminals)
        n_sales = int(texts[texts.index('Sales') + 1])
        counted = sum(int(re.match(r'(\d+) sales?', subtitle).group(1))
                      for subtitle, net in terminals.values())
        assert n_sales == counted and n_sales > 2, (n_sales, terminals)

        # Close Day…: T9 is named, and closing is not what Enter does.
        pos.key('alt+c', to=report.whole())
        dialog = pos.wait_window('Close the Shop’s Day', role='dialog')
        assert any('Not caught up: terminal T9 has changes' in t for t in dialog.texts()), \
            dialog.texts()
        pos.key('Return', to=dialog.default_button())
        dialog.wait_closed()
        assert pg.query('SELECT count (*) FROM shop_day_closes') == '0'
        report.wait_text('Not closed')

        # Closing while the shop database keeps it waiting (its closes locked here), and
        # switching to this terminal's day meanwhile: the switch reads that day and
        # leaves the close running, the window busy until the close ends.
        pos.key('alt+c', to=report.whole())
        dialog = pos.wait_window('Close the Shop’s Day', role='dialog')
        with pg.locked('shop_day_closes'):
            Atspi.Action.do_action(push(dialog, 'Close Anyway'), 0)
            dialog.wait_closed()
            Atspi.Action.do_action(push(report, 'This Terminal'), 0)
            wait_until('this terminal\'s day', lambda: not report.has_text('By terminal'))
            assert report.texts()[report.texts().index('Sales') + 1] == '2', report.texts()
            assert busy(report), 'the window forgot the close on its way'
        wait_until('the shop\'s day closed', lambda: pg.query(
            'SELECT count (*) FROM shop_day_closes') == '1')
        wait_until('the window done', lambda: not busy(report))
        report.wait_text('Not closed')
        Atspi.Action.do_action(push(report, 'Whole Shop'), 0)
        report.wait_text('by terminal T7')
        closed = pg.query("SELECT closed_by || ' ' || (report #>> '{total,net}') || ' ' || "
                          "(SELECT string_agg ((t ->> 'terminal_id') || '=' || "
                          "(t ->> 'caught_up'), ',' ORDER BY t ->> 'terminal_id') "
                          "FROM jsonb_array_elements (terminals) t) FROM shop_day_closes")
        assert closed == 'T7 %d T7=true,T8=true,T9=false' % net, closed
        assert not report.has_text('Close Day…')

        # This terminal's own day is still open: the shop's close is the shop's.
        Atspi.Action.do_action(push(report, 'This Terminal'), 0)
        report.wait_text('Not closed')
        wait_until('no terminals listed', lambda: not report.has_text('By terminal'))


def test_preferences_connection_string():
    """The connection string typed in Preferences: one libpq cannot read is refused under
    its row, quoting nothing and saving nothing; one with a password is saved without
    it, the password going to the keyring, and the terminal replicates there at once."""
    pg = Postgres()
    pos = None
    password = 'pw-' + secrets.token_hex(8)
    title = 'Connection string'
    try:
        keyring_clear(('shop-db-password',))
        pos = ShopPos(settings={'terminal-id': "'T7'"})
        prefs = pos.preferences()
        prefs.page('Approvals')

        prefs.fill(title, 'host=%s password=%s nonsense' % (pg.dir, password))
        prefs.wait_text('The shop database’s connection string is not one PostgreSQL can read')
        assert not any(password in text for text in prefs.win.texts()), prefs.win.texts()
        assert pos.setting('shop-db') is None, pos.keyfile()
        assert keyring('shop-db-password') is None

        prefs.fill(title, '%s password=%s' % (pg.conninfo, password))
        prefs.wait_text('Saved; the password went to the keyring')
        saved = wait_until('the connection string saved', lambda: pos.setting('shop-db'))
        assert 'dbname=' in saved and password not in saved, saved
        wait_until('the password in the keyring', lambda: keyring('shop-db-password') == password)
        wait_until('the error gone', lambda: not prefs.has_text('not one PostgreSQL can read'))
        # The terminal replicates there at once, without a restart.
        wait_until('the shop database online', lambda: any(
            text.startswith('Online') for text in prefs.win.texts()))
        wait_until('the shop database set up by the terminal', lambda: pg.query(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'shop_day_closes'")
            == '1')
        assert password not in prefs.text_of(title), prefs.text_of(title)
        assert_no_secret(pos, password)
        problems = [line for line in pos.output().splitlines()
                    if '-CRITICAL **' in line or '-WARNING **' in line]
        assert not problems, problems
    finally:
        if pos is not None:
            pos.cleanup()
        keyring_clear(('shop-db-password',))
        pg.cleanup()


CASES = [test_indicator_follows_replication, test_whole_shop_day_report_and_close,
         test_preferences_connection_string]

if __name__ == '__main__':
    if not pg_available():
        kpui.session()
        print('1..0 # SKIP postgresql-15 not installed', flush=True)
        sys.exit(0)
    sys.exit(kpprefs.main(CASES, sys.argv))
