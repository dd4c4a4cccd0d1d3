#!/usr/bin/python3
# test-page.py: KakaoPay's payment page in the app (--qr-target page), under Xvfb.
#
# It runs itself in a clean session of its own (kpui.session) and starts its own Xvfb.
# Each case starts kakaopay-pos with --qr-target page: instead of a QR code, the
# checkout shows the sandbox's PC payment page in a web view (in the cashier's window,
# or on the customer display when it is open). The customer's press on the page's
# buttons is the page's own (KP_TEST_PAGE_PRESS, the only way in: WebKit shows nothing
# of a page to AT-SPI with GTK 4.8), the redirect that follows is caught in the app,
# and the test reads the screen (AT-SPI, zbarimg), the journal (SQLite) and the
# program's listening sockets (ss).
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import re
import shutil
import sys
import tempfile

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

import kpui  # noqa: E402
from kpui import Pos, run, wait_until  # noqa: E402
from kpsandbox import Sandbox, free_port  # noqa: E402
from kpwindows import WindowsMixin  # noqa: E402

CUSTOMER_TITLE = 'KakaoPay POS — Customer'
PAGE_NAME = 'KakaoPay payment page'


class PagePos(WindowsMixin, Pos):
    """kakaopay-pos in page mode; @presses: the buttons the customer presses on each
    payment page in turn."""

    def __init__(self, presses=(), args=(), option=True, **kwargs):
        extra = dict(kwargs.pop('extra_env', {}))
        extra.update(kpui.webkit_env())
        extra['KP_TEST_PAGE_PRESS'] = ','.join(presses)
        extra['G_MESSAGES_DEBUG'] = 'kp-terminal kp-checkout kp-payment-page'
        super().__init__((['--qr-target', 'page'] if option else []) + list(args),
                         extra_env=extra, **kwargs)

    def listening_ports(self):
        """The TCP ports this process (not its web processes) listens on."""
        out = run(['ss', '-Hltnp'], capture_output=True, text=True, check=True).stdout
        ports = set()
        for line in out.splitlines():
            if 'pid=%d,' % self.proc.pid in line:
                local = line.split()[3]
                ports.add(int(local.rsplit(':', 1)[1]))
        return ports

    def mapped(self):
        """The files mapped into this process (its libraries and modules)."""
        with open('/proc/%d/maps' % self.proc.pid) as f:
            return {line.split()[5] for line in f if len(line.split()) > 5}

    def loaded(self, fragment):
        return any(fragment in path for path in self.mapped())

    def cleanup(self):
        # A failing case shows what the program said (its debug log) on stderr.
        if sys.exc_info()[0] is not None:
            self.close()
            sys.stderr.write(self.output()[-6000:])
        super().cleanup()

    def _shows(self, name, window):
        widgets = window.widgets() if window is not None else self.widgets()
        return any(n == name for role, n, focused, acc in widgets)

    def page_shown(self, window=None):
        """The payment page on screen in @window (the cashier's by default)."""
        return self._shows(PAGE_NAME, window)

    def qr_shown(self, window=None):
        """A QR code on screen in @window (the cashier's by default)."""
        return self._shows('Payment QR code', window)


def charge(pos, name, price):
    pos.add_line(name, 1, price)
    pos.wait_text(name)
    wait_until('focus on the item field', pos.field('Item name'))
    pos.key('ctrl+Return', to=pos.window_focus())
    return pos.wait_state('AWAITING_CUSTOMER')


def sandbox_port(sale_url):
    return int(re.match(r'http://127\.0\.0\.1:(\d+)/', sale_url).group(1))


def test_instead_of_qr():
    # The cashier's checkout shows the page where the QR code would be; it goes when the
    # payment ends (here, the cashier cancels). WebKit is loaded with the first page
    # (its module), not at start.
    pos = PagePos()
    try:
        wait_until('focus on the item field', pos.field('Item name'))
        assert not pos.loaded('libwebkitgtk') and not pos.loaded('kp-payment-page.so'), \
            pos.mapped()
        charge(pos, 'Muffin', '2800')
        wait_until('the payment page', pos.page_shown)
        assert pos.loaded('/kp-payment-page.so') and pos.loaded('libwebkitgtk-6.0'), \
            pos.mapped()
        pos.wait_text('Pay with KakaoPay on this screen')
        assert not pos.qr_shown(), pos.texts()
        assert not pos.has_text('could not be shown'), pos.texts()
        pos.wait_text('₩2,800')
        pos.cancel_payment()
        pos.wait_state('ABORTED_BY_CASHIER')
        wait_until('the page gone', lambda: not pos.page_shown())
        wait_until('focus on the item field', pos.field('Item name'))
    finally:
        pos.cleanup()


def test_cancel_fail_pay():
    # Three payments, one page each: the customer cancels, then fails the password,
    # then pays, on the page; each redirect is caught in the app. No listener opens:
    # the only port of the process is the embedded sandbox's.
    pos = PagePos(presses=('cancel', 'fail', 'pay'))
    try:
        wait_until('focus on the item field', pos.field('Item name'))

        charge(pos, 'Bagel', '3500')
        pos.wait_state('CANCELLED_BY_CUSTOMER')
        pos.wait_text('The customer cancelled the payment.')

        wait_until('focus on the item field', pos.field('Item name'))
        pos.key('ctrl+Return', to=pos.window_focus())
        wait_until('a second sale', lambda: len(pos.sales()) == 2)
        pos.wait_state('FAILED')
        pos.wait_text('The customer’s payment failed')

        wait_until('focus on the item field', pos.field('Item name'))
        pos.key('ctrl+Return', to=pos.window_focus())
        wait_until('a third sale', lambda: len(pos.sales()) == 3)
        sale = pos.wait_state('APPROVED')
        pos.wait_text('Payment Approved')
        assert not pos.page_shown()

        sales = pos.sales()
        assert [s['state'] for s in sales] == ['CANCELLED_BY_CUSTOMER', 'FAILED', 'APPROVED'], \
            sales
        assert sale['aid'].startswith('A') and len(sale['aid']) == 20, sale
        assert re.fullmatch(r'[0-9a-f]{20}', sale['pg_token']), sale['pg_token']
        assert pos.transitions(sale['partner_order_id']) == [
            'READY_SENT', 'AWAITING_CUSTOMER', 'APPROVING', 'APPROVED'], \
            pos.transitions(sale['partner_order_id'])
        assert not sales[0]['pg_token'] and not sales[1]['pg_token'], sales

        port = sandbox_port(pos.output().split('showing the payment page ')[1])
        assert pos.listening_ports() == {port}, (pos.listening_ports(), port)
        log = pos.output()
        assert log.count('showing the payment page') == 3, log
        assert 'no approval listener: the payment page is in the app' in log, log
        assert 'approval listener on' not in log, log
        for kind in ('cancel', 'fail', 'approve'):
            assert '%s redirect caught in the app' % kind in log, log
    finally:
        pos.cleanup()


def test_customer_display():
    # With the customer display open, the page is there, not in the cashier's window.
    # The first payment the cashier cancels; the customer pays the second.
    pos = PagePos(presses=('', 'pay'), args=['--customer-display'])
    try:
        display = pos.wait_window(CUSTOMER_TITLE, role='frame', active=False)
        wait_until('focus on the item field', pos.field('Item name'))
        charge(pos, 'Tea', '3000')
        display.wait_text('Pay with KakaoPay on this screen')
        wait_until('the payment page on the customer display', lambda: pos.page_shown(display))
        assert not pos.qr_shown(display), display.texts()
        assert not pos.page_shown(), pos.texts()
        pos.wait_text('Shown on the customer display')
        pos.cancel_payment()
        display.wait_text('The payment was cancelled at the counter.')
        wait_until('the page gone', lambda: not pos.page_shown(display))

        wait_until('focus on the item field', pos.field('Item name'))
        pos.key('ctrl+Return', to=pos.window_focus())
        wait_until('a second sale', lambda: len(pos.sales()) == 2)
        sale = pos.wait_state('APPROVED')
        display.wait_text('Thank you')
        assert sale['pg_token'], sale
        assert not pos.page_shown(display)
    finally:
        pos.cleanup()


def do_action(acc):
    """Runs @acc's first action (a click), as a screen reader does."""
    Atspi.Action.do_action(acc, 0)


def test_setting_and_preferences():
    # Stored in the settings (no option), offered in Preferences: the same page.
    pos = PagePos(option=False, settings={'qr-target': "'page'"})
    try:
        wait_until('focus on the item field', pos.field('Item name'))
        pos.key('ctrl+comma', to=pos.window_focus())
        prefs = pos.wait_window('Preferences — TEST MODE', role='frame')
        tab = wait_until('the Approvals page', lambda: next(
            (acc for role, name, focused, acc in prefs.widgets()
             if role == 'page tab' and name == 'Approvals'), None))
        do_action(tab)
        prefs.wait_text('Payment page in the app')
        prefs.wait_text('the app catches the approval')
        pos.key('Escape', to=prefs.whole())
        prefs.wait_closed()

        wait_until('focus on the item field', pos.field('Item name'))
        charge(pos, 'Donut', '1800')
        wait_until('the payment page', pos.page_shown)
        assert pos.listening_ports() == {sandbox_port(pos.output().split(
            'showing the payment page ')[1])}, pos.listening_ports()
        pos.cancel_payment()
        pos.wait_state('ABORTED_BY_CASHIER')
    finally:
        pos.cleanup()


def test_module_missing():
    # Without the payment page module, the mode is not on offer: --qr-target page says
    # so and falls back to the QR code of KakaoPay's PC page (approved through the
    # listener), and Preferences does not list it. Nothing of the module is loaded.
    empty = tempfile.mkdtemp(prefix='kp-no-module-')
    pos = PagePos(extra_env={'KP_MODULE_DIR': empty})
    try:
        wait_until('focus on the item field', pos.field('Item name'))
        log = pos.output()
        assert ('KakaoPay’s payment page cannot be shown in this app: its module '
                'kp-payment-page.so is not installed. The customer scans the QR code of its '
                'PC page instead.') in log, log

        charge(pos, 'Cookie', '1500')
        url = pos.qr()
        port = sandbox_port(url)
        assert not pos.page_shown(), pos.texts()
        pos.wait_text('Scan with your phone to pay with KakaoPay')
        assert len(pos.listening_ports() - {port}) == 1, (pos.listening_ports(), port)
        pos.cancel_payment()
        pos.wait_state('ABORTED_BY_CASHIER')

        wait_until('focus on the item field', pos.field('Item name'))
        pos.key('ctrl+comma', to=pos.window_focus())
        prefs = pos.wait_window('Preferences — TEST MODE', role='frame')
        tab = wait_until('the Approvals page', lambda: next(
            (acc for role, name, focused, acc in prefs.widgets()
             if role == 'page tab' and name == 'Approvals'), None))
        do_action(tab)
        prefs.wait_text('Mobile page: the phone goes straight to KakaoTalk')
        assert not prefs.has_text('the app catches the approval'), prefs.texts()
        assert not prefs.has_text('Payment page in the app'), prefs.texts()
        pos.key('Escape', to=prefs.whole())
        prefs.wait_closed()

        log = pos.output()
        assert 'showing the payment page' not in log, log
        assert 'no approval listener' not in log, log
        assert not pos.loaded('libwebkitgtk'), pos.mapped()
    finally:
        pos.cleanup()
        shutil.rmtree(empty, ignore_errors=True)


def test_load_failure():
    # KakaoPay's page cannot be reached: a message, and the QR code of its address.
    # Against a sandbox of its own, this process listens on nothing at all.
    closed = free_port()
    sandbox = Sandbox(control=False, public_url='http://127.0.0.1:%d' % closed,
                      prefix='kp-page-sandbox-')
    pos = None
    try:
        pos = PagePos(args=['--api-base', sandbox.url, '--secret-key-file', sandbox.key_file],
                      sandbox=False)
        wait_until('focus on the item field', pos.field('Item name'))
        charge(pos, 'Scone', '2500')
        pos.wait_text('KakaoPay’s payment page could not be shown here')
        url = pos.qr()
        assert url.startswith('http://127.0.0.1:%d/' % closed), url
        assert pos.listening_ports() == set(), pos.listening_ports()
        pos.cancel_payment()
        pos.wait_state('ABORTED_BY_CASHIER')
    finally:
        if pos is not None:
            pos.cleanup()
        sandbox.close()


if __name__ == '__main__':
    sys.exit(kpui.main([test_instead_of_qr, test_cancel_fail_pay, test_customer_display,
                        test_setting_and_preferences, test_load_failure,
                        test_module_missing], sys.argv))
