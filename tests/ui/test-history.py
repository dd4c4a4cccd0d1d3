#!/usr/bin/python3
# test-history.py: the history, refunds and the day report, end to end, under Xvfb.
#
# It runs itself in a clean session of its own (kpui.session: a private session bus
# for AT-SPI, a temporary home) and starts its own Xvfb.
# Each case starts kakaopay-pos on its embedded sandbox with a fresh journal, makes
# sales like a cashier (xdotool) with the customer's phone played over HTTP, then
# works in the history (search, detail, refunds) and the day report with the keyboard,
# and checks the screen (AT-SPI, every window of the program), the journal (SQLite)
# and the exports (--export-day-report as CSV, and as PDF read by poppler-utils).
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import csv
import datetime
import json
import os
import shutil
import sqlite3
import sys
import tempfile

import kpui
from kpui import POS, PATIENCE, Pos, app_env, customer, no_display, run, wait_until
from kpui import Focus, http
from kpsandbox import Sandbox
from kpwindows import WindowsMixin, amount, button, confirm, open_refund, refund_window

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402




class HistoryPos(WindowsMixin, Pos):
    """Pos, reading the program's other windows (dialogs) and more of the journal."""

    def cleanup(self):
        # No GLib criticals or warnings from the program along the way.
        try:
            problems = [line for line in self.output().splitlines()
                        if '-CRITICAL **' in line or '-WARNING **' in line]
        except OSError:
            problems = []
        super().cleanup()
        assert not problems, problems

    def sale(self, order_id):
        return self.query('SELECT * FROM sales WHERE partner_order_id = ?', order_id)[0]

    def export_day_report(self, name, display=False):
        path = os.path.join(self.dir, name)
        env = self.env if display else no_display(self.env)
        result = run([POS, '--journal', self.journal, '--export-day-report', path],
                     env=env, capture_output=True, text=True, timeout=PATIENCE)
        assert result.returncode == 0, (result.returncode, result.stderr)
        # No window: nothing but the file.
        assert result.stdout == '', result.stdout
        return path


def sell(pos, lines, method='MONEY'):
    """Rings up @lines (name, quantity, price) and charges; the customer pays. Back at
    an empty cart; returns the sale as journaled."""
    for name, quantity, price in lines:
        pos.add_line(name, quantity, price)
    wait_until('the lines', lambda: pos.has_text(lines[-1][0]))
    before = len(pos.sales())
    pos.key('ctrl+Return', to=pos.window_focus())
    url = pos.qr()
    customer(url, 'pay', method)
    pos.wait_text('Payment Approved')
    sale = wait_until('the approved sale', lambda: len(pos.sales()) > before and
                      pos.sales()[-1]['state'] == 'APPROVED' and pos.sales()[-1])
    wait_until('focus on New Sale', button(pos, 'New Sale (Enter)'))
    pos.key('Return', to=button(pos, 'New Sale (Enter)'))
    pos.wait_text('Charge ₩0')
    return sale


def search(pos, text):
    """Ctrl+F from anywhere: the history's search, typed over."""
    pos.key('ctrl+f', to=pos.window_focus())
    entry = pos.field('Search sales', 'entry')
    wait_until('focus on the search', entry)
    pos.key('ctrl+a', 'BackSpace', to=entry)
    pos.type(text, into=entry)


LATTE_COOKIE = [('Americano', 2, '4,500'), ('Cookie', 1, '1500')]   # ₩10,500, VAT 955


def test_search_and_refund():
    pos = HistoryPos()
    try:
        sale = sell(pos, LATTE_COOKIE)
        bagel = sell(pos, [('Bagel', 1, '3500')], 'CARD')
        order = sale['partner_order_id']

        # Ctrl+H: today's sales, newest first.
        pos.key('ctrl+h', to=pos.window_focus())
        pos.wait_text('2 sales')
        texts = pos.texts()
        assert texts.index(bagel['partner_order_id']) < texts.index(order), texts
        assert pos.has_text('KakaoPay Money') and pos.has_text('Card')
        assert not pos.has_text('Charge ₩0'), 'the sale view is hidden'

        # Search by item, amount, tid and order id: a single match opens at once.
        for text, expected, other in [('Cookie', order, bagel['partner_order_id']),
                                      ('3,500', bagel['partner_order_id'], order),
                                      (sale['tid'][:12], order, bagel['partner_order_id']),
                                      (order, order, bagel['partner_order_id'])]:
            search(pos, text)
            pos.wait_text('1 sale')
            pos.wait_text('Order ' + expected)
            assert other not in pos.texts(), (text, pos.texts())
        search(pos, 'no such thing')
        pos.wait_text('No sale matches “no such thing”.')
        search(pos, order)
        pos.wait_text('1 sale')

        # The detail: lines, every state change, the KakaoPay ids.
        pos.wait_text('Order ' + order)
        for fragment in ['Americano', '2 × ₩4,500', '₩9,000', 'Cookie', sale['tid'],
                         sale['aid'], 'Approving → Paid', 'Waiting for customer → Approving']:
            assert pos.has_text(fragment), (fragment, pos.texts())

        # A partial refund by amount: the confirmation shows the split.
        window = open_refund(pos, order)
        assert window.has_text('₩10,500 left to refund (₩0 tax free, ₩955 VAT)'), \
            window.texts()
        pos.type('3000', into=amount(window))
        window.wait_text('₩7,500')
        confirm(pos, ['Refund ₩3,000?', '₩273', '₩7,500', '₩0'], then_closes=window)

        after = wait_until('PARTIALLY_REFUNDED', lambda: pos.sale(order)['state'] ==
                           'PARTIALLY_REFUNDED' and pos.sale(order))
        assert after['refunded_amount'] == 3000, after
        refunds = pos.refunds(order)
        assert len(refunds) == 1, refunds
        first = refunds[0]
        assert first['state'] == 'REFUNDED' and first['cancel_amount'] == 3000
        assert first['cancel_tax_free_amount'] == 0 and first['cancel_vat_amount'] == 273
        assert first['aid'] and first['lines_json'] is None, first
        pos.wait_text('Partly refunded · ₩3,000 refunded · ₩7,500 left')
        pos.wait_text('₩3,000 · Refunded')
        assert pos.has_text(first['aid']), pos.texts()
        assert pos.has_text('Paid → Partly refunded')
        assert 'Partly refunded' in pos.texts(), 'the row shows the refund'

        # More than is left: refused before anything is sent, the form stays.
        pos.key('alt+r', to=pos.window_focus())
        window = refund_window(pos)
        assert window.has_text('₩7,500 left to refund (₩0 tax free, ₩682 VAT)'), \
            window.texts()
        pos.type('8000', into=amount(window))
        pos.key('Return', to=amount(window))
        alert = wait_until('the refusal', window.alert)
        assert 'Only ₩7,500 is left to refund' in alert, alert
        assert len(pos.refunds(order)) == 1
        assert pos.sale(order)['refunded_amount'] == 3000

        # The rest: Full refund (Alt+F), Refund… (Alt+R), confirmed.
        pos.key('alt+f', to=window.whole())
        wait_until('no refusal', lambda: window.alert() is None)
        pos.key('alt+r', to=window.whole())
        dialog = pos.wait_window('Refund ₩7,500?', role='dialog')
        assert dialog.has_text('₩682'), dialog.texts()
        pos.key('alt+r', to=dialog.default_button())
        dialog.wait_closed()
        window.wait_closed()
        done = wait_until('REFUNDED', lambda: pos.sale(order)['state'] == 'REFUNDED' and
                          pos.sale(order))
        assert done['refunded_amount'] == 10500
        refunds = pos.refunds(order)
        assert [r['cancel_amount'] for r in refunds] == [3000, 7500], refunds
        assert refunds[1]['cancel_vat_amount'] == 682 and refunds[1]['aid']
        pos.wait_text('Refunded · ₩10,500 refunded · ₩0 left')
        pos.wait_text('₩7,500 · Refunded')
        assert pos.has_text(refunds[1]['aid'])
        assert not pos.has_text('Refund…'), 'nothing left to refund'
        assert pos.transitions(order)[-2:] == ['PARTIALLY_REFUNDED', 'REFUNDED']

        # Escape clears the search, then goes back to the sale, focus on the item field.
        pos.key('ctrl+f', to=pos.window_focus())
        entry = pos.field('Search sales', 'entry')
        pos.key('Escape', to=entry)
        pos.wait_text('2 sales')
        pos.key('Escape', to=entry)
        wait_until('the item field', pos.field('Item name'))
        assert pos.has_text('Charge ₩0')
    finally:
        pos.cleanup()


def test_refund_by_items_from_the_sale():
    # Milk is tax free: a refund of one milk is all tax free, without VAT.
    pos = HistoryPos()
    try:
        pos.type('Milk', into=pos.field('Item name'))
        pos.key('Tab', to=pos.field('Item name'))
        pos.type('2', into=pos.field('Quantity'))
        pos.key('Tab', to=pos.field('Quantity'))
        pos.type('2000', into=pos.field('Unit price'))
        # Tab to "Tax free", Space ticks it, back to the price, Enter adds the line.
        pos.key('Tab', 'space', 'shift+Tab', 'Return', to=pos.field('Unit price'))
        pos.wait_text('Charge ₩4,000')
        pos.add_line('Bread', 1, '3300')
        pos.wait_text('Charge ₩7,300')
        pos.key('ctrl+Return', to=pos.window_focus())
        customer(pos.qr(), 'pay')
        pos.wait_text('Payment Approved')
        sale = pos.wait_state('APPROVED')
        assert sale['tax_free_amount'] == 4000, sale
        order = sale['partner_order_id']

        # "Refund…" on the completed sale's page (Alt+R).
        pos.key('alt+r', to=pos.window_focus())
        window = refund_window(pos)
        assert window.has_text('₩7,300 left to refund (₩4,000 tax free, ₩300 VAT)'), \
            window.texts()
        pos.key('alt+i', to=window.whole())
        milk = window.field('spin button', 'Milk')
        wait_until('focus on the first item', milk)
        pos.key('ctrl+a', to=milk)
        pos.type('1', into=milk)
        pos.key('Tab', to=milk)
        window.wait_text('₩5,300')
        pos.key('alt+r', to=window.whole())
        dialog = pos.wait_window('Refund ₩2,000?', role='dialog')
        assert dialog.has_text('₩5,300'), dialog.texts()
        pos.key('alt+r', to=dialog.default_button())
        dialog.wait_closed()
        window.wait_closed()
        refund = wait_until('the refund', lambda: [r for r in pos.refunds(order)
                                                  if r['state'] == 'REFUNDED'])[0]
        assert refund['cancel_amount'] == 2000 and refund['cancel_tax_free_amount'] == 2000
        assert refund['cancel_vat_amount'] == 0, refund
        assert json.loads(refund['lines_json']) == [{'position': 0, 'quantity': 1}]
        assert pos.sale(order)['state'] == 'PARTIALLY_REFUNDED'
        pos.wait_text('₩2,000 refunded in total.')
        # Back on the completed sale: Enter starts the next one.
        wait_until('focus on New Sale', button(pos, 'New Sale (Enter)'))
        pos.key('Return', to=button(pos, 'New Sale (Enter)'))
        pos.wait_text('Charge ₩0')

        # By items again: one milk is left to refund, and the bread.
        pos.key('ctrl+h', to=pos.window_focus())
        pos.wait_text('Order ' + order)
        pos.key('alt+r', to=pos.window_focus())
        window = refund_window(pos)
        assert window.has_text('₩5,300 left to refund (₩2,000 tax free, ₩300 VAT)'), \
            window.texts()
        assert window.has_text('2 × ₩2,000, tax free · 1 left to refund'), window.texts()
        pos.key('Escape', to=window.whole())
        window.wait_closed()
    finally:
        pos.cleanup()


def test_kakaopay_refuses():
    # A terminal restarted on the same journal has a new embedded sandbox, which does not
    # know the old payment: KakaoPay refuses the refund, and nothing is refunded.
    pos = HistoryPos()
    try:
        sale = sell(pos, [('Tea', 1, '3000')])
        order = sale['partner_order_id']
        journal = pos.journal
        pos.close()
        pos = HistoryPos(['--journal', journal])
        pos.journal = journal
        pos.key('ctrl+h', to=pos.window_focus())
        pos.wait_text('Order ' + order)
        pos.key('alt+r', to=pos.window_focus())
        window = refund_window(pos)
        assert window.has_text('₩3,000 left to refund'), window.texts()
        pos.key('ctrl+a', to=amount(window))
        pos.type('1000', into=amount(window))
        confirm(pos, ['Refund ₩1,000?'], window=window)
        alert = wait_until('the refusal', window.alert)
        assert 'KakaoPay refused the refund. Nothing was refunded.' in alert, alert
        # The cashier's choice is still there, and the window too.
        assert window.has_text('₩1,000'), window.texts()
        assert window.focused() is not None
        refunds = pos.refunds(order)
        assert [r['state'] for r in refunds] == ['REFUND_FAILED'], refunds
        assert refunds[0]['detail'], refunds
        after = pos.sale(order)
        assert after['state'] == 'APPROVED' and after['refunded_amount'] == 0, after
        pos.key('Escape', to=window.whole())
        window.wait_closed()
        pos.wait_text('₩1,000 · Refused')
        assert pos.has_text('Paid'), pos.texts()
    finally:
        pos.cleanup()


def test_four_enters_refund_nothing():
    # Search, Enter (the sale), Enter (Refund…), Enter, Enter: no refund happens.
    sandbox = Sandbox(prefix='kp-history-sandbox-')
    pos = None
    try:
        pos = HistoryPos(sandbox.pos_args(), sandbox=False)
        sale = sell(pos, [('Americano', 1, '4,500')])
        order = sale['partner_order_id']
        search(pos, order)
        pos.wait_text('1 sale')
        window = open_refund(pos, order)
        # Nothing typed: no amount, nothing said going back.
        assert window.alert() is None, window.alert()
        assert not window.has_text('goes back'), window.texts()
        pos.key('Return', to=amount(window))
        alert = wait_until('what to type', window.alert)
        assert 'Enter the amount to refund' in alert, alert
        pos.key('Return', to=amount(window))
        wait_until('the focus still in the amount', amount(window))
        # No confirmation opened: the refund window is the only one with that title.
        assert not [w for w in pos._windows() if w.get_role_name() == 'dialog'], \
            [w.get_name() for w in pos._windows()]
        assert pos.refunds(order) == []
        after = pos.sale(order)
        assert after['state'] == 'APPROVED' and after['refunded_amount'] == 0, after
        assert 'cancel' not in sandbox.endpoints(sale['tid']), sandbox.endpoints(sale['tid'])
        assert sandbox.status(sale['tid']) == 'SUCCESS_PAYMENT'

        # Typed, then Enter twice: the confirmation says what goes back, and its
        # default is Cancel.
        pos.type('4500', into=amount(window))
        window.wait_text('₩4,500 goes back to the customer’s KakaoPay.')
        pos.key('Return', to=amount(window))
        dialog = pos.wait_window('Refund ₩4,500?', role='dialog')
        assert dialog.has_text('₩4,500 goes back to the customer’s KakaoPay.'), dialog.texts()
        # GTK 4.8 names a button with a mnemonic "_Cancel Cancel".
        pos.key('Return', to=Focus('Cancel, the default', lambda: (
            (dialog.focused() or ('', ''))[0] == 'push button' and
            dialog.focused()[1].endswith('Cancel'))))
        dialog.wait_closed()
        wait_until('the focus back in the amount', amount(window))
        assert pos.refunds(order) == [] and pos.sale(order)['state'] == 'APPROVED'
        assert 'cancel' not in sandbox.endpoints(sale['tid'])

        # Deliberately: Enter, then Refund (Alt+R).
        confirm(pos, ['Refund ₩4,500?', '₩4,500 goes back'], then_closes=window)
        done = wait_until('REFUNDED', lambda: pos.sale(order)['state'] == 'REFUNDED' and
                          pos.sale(order))
        assert done['refunded_amount'] == 4500, done
        assert sandbox.endpoints(sale['tid']).count('cancel') == 1
        assert sandbox.status(sale['tid']) == 'CANCEL_PAYMENT'
    finally:
        if pos is not None:
            pos.cleanup()
        sandbox.close()


def report_figures(rows):
    return {row[1]: row[2] for row in rows[1:] if row[0] == 'figure'}


def read_csv(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.reader(f))


def test_day_report():
    pos = HistoryPos(settings={'shop-name': "'Kakao Coffee'",
                               'shop-business-number': "'220-81-62517'"})
    try:
        a = sell(pos, LATTE_COOKIE)
        b = sell(pos, [('Bagel', 1, '3500')], 'CARD')

        # Refund ₩3,000 of the first. Test mode shows on every screen on the way.
        pos.key('ctrl+h', to=pos.window_focus())
        search(pos, a['partner_order_id'])
        pos.wait_text('Order ' + a['partner_order_id'])
        assert pos.has_text('TEST MODE'), pos.texts()
        assert not pos.has_text('LIVE'), pos.texts()
        pos.key('alt+r', to=pos.window_focus())
        window = refund_window(pos)
        assert window.has_text('TEST MODE — sandbox: no real payments'), window.texts()
        pos.type('3000', into=amount(window))
        confirm(pos, ['Refund ₩3,000?'], then_closes=window)
        wait_until('the refund', lambda: pos.sale(a['partner_order_id'])['refunded_amount'])

        # Ctrl+D: the report of the day shown.
        pos.key('ctrl+d', to=pos.window_focus())
        report = pos.wait_window('Day Report', role='frame')
        report.wait_text('Not closed')
        texts = report.texts()
        for fragment in ['₩14,000', '₩3,000', '₩11,000', '₩1,000', 'KakaoPay Money', 'Card',
                         '1 sale · ₩10,500 gross · ₩3,000 refunded',
                         '1 sale · ₩3,500 gross · ₩0 refunded',
                         'TEST MODE — sandbox: no real payments',
                         'Kakao Coffee · Business number 220-81-62517']:
            assert any(fragment in t for t in texts), (fragment, texts)
        # People's names for the methods, not KakaoPay's codes.
        assert not any('MONEY' in t or 'CARD' in t for t in texts), texts
        assert report.title == 'Day Report — TEST MODE', report.title
        assert texts[texts.index('Sales') + 1] == '2', texts
        assert texts[texts.index('Refunds made') + 1] == '1', texts
        # Net ₩11,000, of which ₩1,000 VAT and nothing tax-free.
        assert texts[texts.index('Supply value (before VAT)') + 1] == '₩10,000', texts
        assert texts[texts.index('Cancelled payments') + 1] == '0', texts
        assert texts[texts.index('Expired payments') + 1] == '0', texts

        # Export CSV… (Ctrl+E) suggests a file name that says TEST MODE.
        pos.key('ctrl+e', to=report.whole())
        # GTK 4.8 names the file chooser's window a "filler", never the active one.
        chooser = pos.wait_window('Export the Day Report', active=False)
        suggested = 'day-report-%s-TEST-MODE.csv' % datetime.date.today().isoformat()

        def name_shown():
            for role, name, focused, acc in chooser.widgets():
                if role == 'text':
                    try:
                        if Atspi.Text.get_text(acc, 0, Atspi.Text.get_character_count(acc)) \
                                == suggested:
                            return True
                    except GLib.Error:
                        pass
            return False
        wait_until('the suggested name ' + suggested, name_shown)
        pos.key('Escape', to=Focus('the file chooser',
                                   lambda: kpui.first_focused(chooser.acc) is not None))
        chooser.wait_closed()
        wait_until('the report to have the keyboard back', report.active)

        # CSV without a display, and PDF drawn by the print code.
        rows = read_csv(pos.export_day_report('day.csv'))
        figures = report_figures(rows)
        assert figures['n_sales'] == '2' and figures['gross'] == '14000', figures
        assert figures['refunds'] == '3000' and figures['net'] == '11000', figures
        assert figures['vat'] == '1000' and figures['closed'] == 'false', figures
        assert figures['day'] == datetime.date.today().isoformat(), figures
        assert figures['mode'] == 'test' and figures['supply'] == '10000', figures
        assert figures['n_cancelled'] == '0' and figures['n_expired'] == '0', figures
        assert figures['shop_name'] == 'Kakao Coffee', figures
        assert figures['business_number'] == '220-81-62517', figures

        pdf_path = pos.export_day_report('day.pdf', display=True)
        with open(pdf_path, 'rb') as f:
            assert f.read(5) == b'%PDF-'
        run(['pdftoppm', '-png', '-r', '50', '-singlefile', pdf_path,
             os.path.join(pos.dir, 'page')], check=True)
        deviation = run(['convert', os.path.join(pos.dir, 'page.png'),
                         '-colorspace', 'Gray', '-format', '%[fx:standard_deviation]',
                         'info:'], capture_output=True, text=True, check=True)
        assert float(deviation.stdout) > 0.02, 'a blank page: ' + deviation.stdout
        text = run(['pdftotext', '-layout', pdf_path, '-'], capture_output=True,
                   text=True, check=True).stdout
        for fragment in ['Day Report', '₩14,000', '₩3,000', '₩11,000', '₩1,000', 'Card',
                         'KakaoPay Money', 'TEST MODE', 'Kakao Coffee',
                         'Business number 220-81-62517', 'Supply value (before VAT)',
                         '₩10,000', 'Cancelled payments', 'Expired payments']:
            assert fragment in text, (fragment, text)

        # Close Day… (Alt+C): confirmed, then shown closed and verified intact.
        pos.key('alt+c', to=report.whole())
        dialog = pos.wait_window('Close the Day', role='dialog')
        assert any('sealed as the day close' in t for t in dialog.texts()), dialog.texts()
        pos.key('Return', to=dialog.default_button())
        dialog.wait_closed()
        report.wait_text('by terminal T1')
        report.wait_text('Verified: the closed day is intact.')
        closes = pos.query('SELECT * FROM day_closes')
        assert len(closes) == 1 and closes[0]['terminal_id'] == 'T1', closes
        assert not report.has_text('Close Day…')

        # A refund after closing is an amendment of the closed day.
        pos.key('Escape', to=report.whole())
        report.wait_closed()
        pos.key('ctrl+h', to=pos.window_focus())
        search(pos, b['partner_order_id'])
        pos.wait_text('Order ' + b['partner_order_id'])
        pos.key('alt+r', to=pos.window_focus())
        window = refund_window(pos)
        pos.key('ctrl+a', to=amount(window))
        pos.type('1000', into=amount(window))
        confirm(pos, ['Refund ₩1,000?'], then_closes=window)
        wait_until('the late refund', lambda: pos.sale(b['partner_order_id'])['refunded_amount'])
        pos.key('ctrl+d', to=pos.window_focus())
        report = pos.wait_window('Day Report', role='frame')
        report.wait_text('Changes after closing')
        report.wait_text('by the journal')
        report.wait_text('₩10,000')   # net, the late refund included
        report.wait_text('Verified: the closed day is intact.')
        rows = read_csv(pos.export_day_report('closed.csv'))
        assert report_figures(rows)['closed'] == 'true'
        amendments = [row for row in rows if row[0] == 'amendment']
        assert amendments and all(row[8] == 'journal' for row in amendments), amendments
    finally:
        pos.cleanup()


def test_day_report_unfinished():
    # A payment still waiting for the customer is a warning of the day report, not a sale.
    pos = HistoryPos()
    try:
        pos.add_line('Cake', 1, '6000')
        pos.wait_text('Charge ₩6,000')
        pos.key('ctrl+Return', to=pos.window_focus())
        url = pos.qr()
        sale = pos.wait_state('AWAITING_CUSTOMER')
        # The customer opens the payment page: cancelling it now takes a confirmation.
        assert http(url)[0] == 200
        pos.wait_text('Customer opened the payment page')
        pos.key('ctrl+d', to=pos.window_focus())
        report = pos.wait_window('Day Report', role='frame')
        report.wait_text('Unfinished: not in the figures until KakaoPay answers')
        assert report.has_text('Order ' + sale['partner_order_id']), report.texts()
        assert report.has_text('Waiting for customer since'), report.texts()
        texts = report.texts()
        assert texts[texts.index('Sales') + 1] == '0', texts
        rows = read_csv(pos.export_day_report('unfinished.csv'))
        assert [row[1] for row in rows if row[0] == 'unfinished'] == [sale['partner_order_id']]
        # Back to the payment: Escape closes the report, then asks to cancel the payment.
        pos.key('Escape', to=report.whole())
        report.wait_closed()
        pos.key('Escape', to=pos.window_focus())
        dialog = pos.wait_window('Cancel this payment?', role='dialog')
        pos.key('alt+c', to=dialog.default_button())
        dialog.wait_closed()
        pos.wait_state('ABORTED_BY_CASHIER')
    finally:
        pos.cleanup()


def test_views_and_days():
    pos = HistoryPos()
    try:
        sell(pos, [('Water', 1, '1200')])
        # Alt+2 and Alt+1 switch views; each view gets the focus it needs.
        pos.key('alt+2', to=pos.window_focus())
        pos.wait_text('1 sale')
        wait_until('focus on the search', pos.field('Search sales', 'entry'))
        assert not pos.has_text('Charge ₩0')
        # Alt+Left: the day before, empty; Alt+Right: today again.
        yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
        pos.key('alt+Left', to=pos.field('Search sales', 'entry'))
        pos.wait_text('No sales on %s.' % yesterday)
        pos.key('alt+Right', to=pos.field('Search sales', 'entry'))
        pos.wait_text('1 sale')
        pos.wait_text('(today)')
        pos.key('alt+1', to=pos.window_focus())
        wait_until('the item field', pos.field('Item name'))
        assert pos.has_text('Charge ₩0') and not pos.has_text('1 sale')
        # The cashier rings up as before.
        pos.add_line('Soda', 1, '1000')
        pos.wait_text('Charge ₩1,000')
    finally:
        pos.cleanup()


def test_day_report_option():
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    pos = HistoryPos(['--day-report', yesterday])
    try:
        report = pos.wait_window('Day Report', role='frame')
        report.wait_text('Not closed')
        assert report.has_text(yesterday), report.texts()
        figures = report_figures(read_csv(pos.export_day_report('empty.csv')))
        assert figures['n_sales'] == '0' and figures['net'] == '0', figures
        # A bad day or file name is refused.
        env = no_display(pos.env)
        bad = run([POS, '--journal', pos.journal, '--day-report', '2026-13-01',
                   '--export-day-report', os.path.join(pos.dir, 'x.csv')],
                  env=env, capture_output=True, text=True, timeout=PATIENCE)
        assert bad.returncode == 2 and 'YYYY-MM-DD' in bad.stderr, bad
        bad = run([POS, '--journal', pos.journal,
                   '--export-day-report', os.path.join(pos.dir, 'x.txt')],
                  env=env, capture_output=True, text=True, timeout=PATIENCE)
        assert bad.returncode == 2 and '.csv' in bad.stderr, bad
    finally:
        pos.cleanup()


def test_file_modes():
    """The journal (with its -wal and -shm), its folder and every export are the owner's
    alone, whatever the umask of the program's start."""
    root = tempfile.mkdtemp(prefix='kp-ui-modes-')
    try:
        env = app_env(root)
        for mask in (0o022, 0o000):
            folder = os.path.join(root, 'u%03o' % mask, 'kakaopay-pos')
            journal = os.path.join(folder, 'journal.sqlite3')

            def start(*args, display=False):
                return run([POS, '--journal', journal] + list(args),
                           env=env if display else no_display(env), capture_output=True,
                           text=True, timeout=PATIENCE, preexec_fn=lambda: os.umask(mask))

            exports = [os.path.join(root, 'u%03o-%s' % (mask, name))
                       for name in ('journal.csv', 'day.csv', 'day.pdf')]
            # An older export readable by all is replaced by a private one.
            with open(exports[2], 'w') as f:
                f.write('old')
            os.chmod(exports[2], 0o644)
            result = start('--export-journal', exports[0])
            assert result.returncode == 0, result.stderr
            result = start('--export-day-report', exports[1])
            assert result.returncode == 0, result.stderr
            result = start('--export-day-report', exports[2], display=True)
            assert result.returncode == 0, result.stderr
            with open(exports[2], 'rb') as f:
                assert f.read(5) == b'%PDF-'
            assert sorted(n for n in os.listdir(root) if n.startswith('u%03o-' % mask)) == \
                sorted(os.path.basename(e) for e in exports), os.listdir(root)
            # The journal with its write-ahead log open: a reader in a transaction keeps
            # it there (SQLite gives -wal and -shm the journal's own mode).
            reader = sqlite3.connect(journal, isolation_level=None)
            try:
                reader.execute('BEGIN')
                assert reader.execute('SELECT count(*) FROM sales').fetchone()[0] == 0
                modes = {path: os.stat(path).st_mode & 0o777
                         for path in [journal, journal + '-wal', journal + '-shm'] + exports}
            finally:
                reader.close()
            assert os.stat(folder).st_mode & 0o777 == 0o700, oct(os.stat(folder).st_mode)
            assert set(modes.values()) == {0o600}, {p: oct(m) for p, m in modes.items()}
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(kpui.main([
        test_search_and_refund,
        test_refund_by_items_from_the_sale,
        test_kakaopay_refuses,
        test_four_enters_refund_nothing,
        test_day_report,
        test_day_report_unfinished,
        test_views_and_days,
        test_day_report_option,
        test_file_modes,
    ], sys.argv))
