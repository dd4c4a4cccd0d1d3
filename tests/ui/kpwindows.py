# kpwindows.py: the program's other windows (dialogs) and refunds, for the ui tests.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import sqlite3

import gi

from kpui import PATIENCE, Focus, focused_in, role_and_name, wait_until, window_active

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402


class Window:
    """A window of the program other than the main one, read through AT-SPI."""

    def __init__(self, pos, accessible):
        self.pos = pos
        self.acc = accessible
        self.title = accessible.get_name()

    def widgets(self):
        out = []
        self.pos._walk(self.acc, out)
        return out

    def texts(self):
        return [name for role, name, focused, acc in self.widgets()
                if role in ('label', 'alert')]

    def has_text(self, fragment):
        return any(fragment in t for t in self.texts())

    def wait_text(self, fragment, timeout=PATIENCE):
        return wait_until('“%s” in “%s”' % (fragment, self.title),
                          lambda: self.has_text(fragment), timeout)

    def active(self):
        return window_active(self.acc)

    def whole(self):
        """The window has the keyboard (for its shortcuts and default button)."""
        return Focus('the window “%s”' % self.title, self.active)

    def field(self, role, name):
        """The focus is on this window's widget @role named @name."""
        return Focus('%s “%s” in “%s”' % (role, name, self.title),
                     lambda: self.focused() == (role, name))

    def default_button(self):
        """The window has the keyboard on one of its buttons (Enter presses it)."""
        def check():
            holder = focused_in(self.acc) if self.active() else None
            return holder is not None and holder.get_role_name() == 'push button'
        return Focus('a button of “%s”' % self.title, check)

    def alert(self):
        for role, name, focused, acc in self.widgets():
            if role == 'alert' and name:
                return name
        return None

    def focused(self):
        return role_and_name(focused_in(self.acc))

    def closed(self):
        try:
            return not self.acc.get_state_set().contains(Atspi.StateType.VISIBLE)
        except GLib.Error:
            return True

    def wait_closed(self, timeout=PATIENCE):
        return wait_until('“%s” to close' % self.title, self.closed, timeout)


class WindowsMixin:
    """For a kpui.Pos: reads the program's other windows and more of the journal.

    GTK 4.8 crashes when the program's list of windows is read just as one of them
    closes (the index asked for is gone), so the list is read only to find a window
    that is opening; one that closes is watched through its own accessible."""

    def _walk(self, acc, out):
        # Widgets come and go while the tree is read (rows, dialogs): skip the gone.
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
        except GLib.Error:
            pass

    def _windows(self):
        out = []
        try:
            desktop = Atspi.get_desktop(0)
            for i in range(desktop.get_child_count()):
                app = desktop.get_child_at_index(i)
                if app is None or app.get_process_id() != self.proc.pid:
                    continue
                for j in range(app.get_child_count()):
                    window = app.get_child_at_index(j)
                    if window is not None:
                        out.append(window)
        except GLib.Error:
            pass
        return out

    def find_window(self, title, role=None, active=True):
        """The open window whose title starts with @title (with @active: that has the
        keyboard), or None."""
        for window in self._windows():
            try:
                if ((window.get_name() or '').startswith(title) and
                        (role is None or window.get_role_name() == role) and
                        window.get_state_set().contains(Atspi.StateType.VISIBLE) and
                        (not active or window_active(window))):
                    return Window(self, window)
            except GLib.Error:
                pass
        return None

    def wait_window(self, title, role=None, timeout=PATIENCE, active=True):
        """Waits for a window whose title starts with @title to open (and, with
        @active, to have the keyboard)."""
        try:
            return wait_until('the window “%s”' % title,
                              lambda: self.find_window(title, role, active), timeout)
        except AssertionError as error:
            seen = []
            for window in self._windows():
                try:
                    seen.append('%s “%s” (%s)' % (
                        window.get_role_name(), window.get_name(),
                        ', '.join(s.value_nick for s in window.get_state_set().get_states())))
                except GLib.Error:
                    pass
            raise AssertionError('%s; the windows: %s' % (error, '; '.join(seen)))

    def cancel_payment(self):
        """Escape on the paying page, as the cashier presses it. While nobody can have
        paid yet (status READY, the QR up for a few seconds) it cancels at once; later it
        asks first, and the cashier chooses Cancel Payment. Which one comes depends on
        how fast the machine got here, so either is taken; the payment ends cancelled."""
        order = self.sales()[-1]['partner_order_id']

        def cancelled():
            rows = self.query('SELECT state FROM sales WHERE partner_order_id = ?', order)
            return rows and rows[0]['state'] == 'ABORTED_BY_CASHIER'

        self.key('Escape', to=self.window_focus())
        outcome = wait_until('the payment cancelled, or the question first',
                             lambda: ('cancelled' if cancelled() else
                                      self.find_window('Cancel this payment?', 'dialog')))
        if outcome != 'cancelled':
            self.key('alt+c', to=outcome.default_button())
            outcome.wait_closed()
        return order

    def query(self, sql, *args):
        db = sqlite3.connect('file:%s?mode=ro' % self.journal, uri=True)
        db.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in db.execute(sql, args)]
        finally:
            db.close()

    def refunds(self, order_id):
        return self.query('SELECT r.* FROM refunds r JOIN sales s ON s.id = r.sale_id '
                          'WHERE s.partner_order_id = ? ORDER BY r.id', order_id)


def focus_on_button(pos, label):
    # GTK 4.8 names a button with a mnemonic "_Label Label".
    focus = pos.focused()
    return focus is not None and focus[0] == 'push button' and focus[1].endswith(label)


def button(pos, label):
    """The focus is on the main window's button @label."""
    return Focus('the button “%s”' % label, lambda: focus_on_button(pos, label))


def sales_list(pos):
    """The focus is on a row of the history's sales."""
    return Focus('a row of the sales', lambda: (pos.focused() or ('', ''))[0] == 'table row')


def open_refund(pos, order_id):
    """In the history showing @order_id (the focus in the search): Enter on its row,
    Enter on "Refund…"."""
    pos.key('Return', to=pos.field('Search sales', 'entry'))
    wait_until('focus on the sales', sales_list(pos))
    pos.wait_text('Order ' + order_id)
    pos.key('Return', to=sales_list(pos))
    wait_until('focus on Refund…', button(pos, 'Refund…'))
    pos.key('Return', to=button(pos, 'Refund…'))
    return refund_window(pos)


def refund_window(pos):
    """The refund window, opened: its figures read, the focus in the amount."""
    window = pos.wait_window('Refund', role='frame')
    window.wait_text('left to refund (')
    wait_until('focus on the amount', amount(window))
    return window


def amount(window):
    """The focus is in the refund window's amount."""
    return window.field('text', 'Amount to refund')


def confirm(pos, expected, then_closes=None, window=None):
    """Enter in the refund window's amount (@window, or the refund window open): the
    confirmation shows exactly @expected; Refund chosen (Alt+R: its default is Cancel).
    With @then_closes, waits for that window to close too (the refund went through)."""
    window = window or then_closes or pos.wait_window('Refund', role='frame')
    pos.key('Return', to=amount(window))
    dialog = pos.wait_window('', role='dialog')
    for fragment in expected:
        assert dialog.has_text(fragment), (fragment, dialog.texts())
    pos.key('alt+r', to=dialog.default_button())
    dialog.wait_closed()
    if then_closes is not None:
        then_closes.wait_closed()
    return dialog.title
