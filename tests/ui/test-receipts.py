#!/usr/bin/python3
# test-receipts.py: receipts from the cashier's window, end to end, under Xvfb.
#
# It runs itself in a clean session of its own (kpui.session) and starts its own Xvfb.
# Each case starts kakaopay-pos on its embedded sandbox with --printer tcp:// to a
# receipt printer played here: a loopback TCP listener that answers the paper status
# request (DLE EOT 4) as a printer with paper would, and keeps every job's bytes,
# read back as CP949. Sales are made like a cashier (xdotool), the customer's phone
# played over HTTP; the screen is read through AT-SPI and the journal with SQLite.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import sys

import kpui
from kpui import Pos, customer, wait_until
from kpprinter import Printer, closed_port
from kpwindows import WindowsMixin, amount, button, confirm, refund_window, sales_list

class ReceiptPos(WindowsMixin, Pos):
    def __init__(self, port, args=()):
        super().__init__(['--printer', 'tcp://127.0.0.1:%d' % port, '--paper-width', '42',
                          '--auto-print'] + list(args))

    def cleanup(self):
        problems = [line for line in self.output().splitlines()
                    if '-CRITICAL **' in line or '-WARNING **' in line]
        super().cleanup()
        assert not problems, problems

    def attempts(self, order_id):
        return self.query('SELECT p.kind, p.printed, p.reason FROM print_attempts p '
                          'JOIN sales s ON s.id = p.sale_id WHERE s.partner_order_id = ? '
                          'ORDER BY p.id', order_id)


def charge(pos, lines):
    """Rings up @lines and charges; the customer pays. Stays on the completed sale;
    returns it as journaled."""
    for name, quantity, price in lines:
        pos.add_line(name, quantity, price)
    wait_until('the lines', lambda: pos.has_text(lines[-1][0]))
    before = len(pos.sales())
    pos.key('ctrl+Return', to=pos.window_focus())
    customer(pos.qr(), 'pay', 'MONEY')
    pos.wait_text('Payment Approved')
    sale = wait_until('the approved sale', lambda: len(pos.sales()) > before and
                      pos.sales()[-1]['state'] == 'APPROVED' and pos.sales()[-1])
    wait_until('focus on New Sale', button(pos, 'New Sale (Enter)'))
    return sale


LINES = [('Gimbap', 2, '10800')]


def open_in_history(pos, order):
    """From the completed sale: a new sale, then @order's detail in History, the focus
    on its Refund… button."""
    pos.key('Return', to=button(pos, 'New Sale (Enter)'))
    pos.wait_text('Charge ₩0')
    pos.key('ctrl+f', to=pos.window_focus())
    entry = pos.field('Search sales', 'entry')
    pos.type(order, into=entry)
    pos.key('Return', to=entry)
    wait_until('focus on the sales', sales_list(pos))
    pos.wait_text('Order ' + order)
    pos.key('Return', to=sales_list(pos))
    wait_until('focus on Refund…', button(pos, 'Refund…'))


def receipt_rows(pos):
    """The sale detail's receipts, as (title, what) pairs."""
    texts = pos.texts()
    rows = []
    for i, text in enumerate(texts):
        if (text == 'Printed' or text.startswith('Not printed: ')) and i + 1 < len(texts):
            rows.append((text, texts[i + 1].split(' · ')[0]))
    return rows


def test_auto_print_and_ctrl_p():
    printer = Printer()
    pos = ReceiptPos(printer.port)
    try:
        sale = charge(pos, LINES)
        receipt = printer.wait_receipt(1)
        assert '21,600' in receipt, receipt
        assert sale['partner_order_id'] in receipt, receipt
        assert sale['aid'] in receipt, receipt
        assert 'REPRINT' not in receipt, receipt
        assert not pos.has_text('Receipt not printed')

        # Ctrl+P on the completed sale: the customer's second copy.
        pos.key('ctrl+p', to=pos.window_focus())
        again = printer.wait_receipt(2)
        assert 'REPRINT' in again, again
        assert sale['partner_order_id'] in again, again
        wait_until('both attempts journaled',
                   lambda: [(a['kind'], a['printed']) for a in
                            pos.attempts(sale['partner_order_id'])] ==
                   [('SALE', 1), ('REPRINT', 1)])
    finally:
        pos.cleanup()
        printer.close()


def test_printer_off_then_retry():
    port = closed_port()
    pos = ReceiptPos(port)
    printer = None
    try:
        sale = charge(pos, LINES)
        pos.wait_text('Receipt not printed: ')
        # The sale stands.
        assert pos.query('SELECT state FROM sales WHERE partner_order_id = ?',
                         sale['partner_order_id'])[0]['state'] == 'APPROVED'
        attempts = wait_until('the failed attempt journaled',
                              lambda: pos.attempts(sale['partner_order_id']))
        assert attempts[0]['printed'] == 0 and attempts[0]['reason'], attempts

        printer = Printer(port)
        pos.key('alt+y', to=pos.window_focus())
        receipt = printer.wait_receipt(1)
        assert '21,600' in receipt and sale['partner_order_id'] in receipt, receipt
        assert 'REPRINT' not in receipt, receipt
        wait_until('the banner gone', lambda: not pos.has_text('Receipt not printed'))

        # The sale's detail tells the receipt that did not print from the one that did.
        open_in_history(pos, sale['partner_order_id'])
        rows = wait_until('both attempts in the detail', lambda: len(receipt_rows(pos)) == 2 and
                          receipt_rows(pos))
        assert rows[0][0].startswith('Not printed: ') and rows[0][1] == 'Receipt', rows
        assert rows[1] == ('Printed', 'Receipt'), rows
    finally:
        pos.cleanup()
        if printer is not None:
            printer.close()


def test_reprint_from_history():
    printer = Printer()
    pos = ReceiptPos(printer.port)
    try:
        sale = charge(pos, LINES)
        printer.wait_receipt(1)
        order = sale['partner_order_id']
        open_in_history(pos, order)
        wait_until('the receipt in the detail',
                   lambda: receipt_rows(pos) == [('Printed', 'Receipt')])
        pos.key('alt+p', to=button(pos, 'Refund…'))
        receipt = printer.wait_receipt(2)
        assert 'REPRINT' in receipt and order in receipt, receipt
        assert '21,600' in receipt, receipt
        wait_until('the reprint in the detail',
                   lambda: receipt_rows(pos) == [('Printed', 'Receipt'), ('Printed', 'Reprint')])
    finally:
        pos.cleanup()
        printer.close()


def test_refund_prints_cancellation():
    printer = Printer()
    pos = ReceiptPos(printer.port)
    try:
        sale = charge(pos, LINES)
        printer.wait_receipt(1)
        pos.key('alt+r', to=pos.window_focus())
        window = refund_window(pos)
        pos.type('21600', into=amount(window))
        confirm(pos, ['Refund ₩21,600?'], then_closes=window)
        receipt = printer.wait_receipt(2)
        assert 'Cancellation Receipt' in receipt, receipt
        assert sale['partner_order_id'] in receipt and '21,600' in receipt, receipt
        wait_until('the cancellation receipt journaled',
                   lambda: [a['kind'] for a in pos.attempts(sale['partner_order_id'])] ==
                   ['SALE', 'REFUND'])
    finally:
        pos.cleanup()
        printer.close()


def test_pdf_on_a_display():
    """The receipt through GtkPrintOperation as PDF (what "Save as PDF" writes), which
    needs a display: test-receipt-print's export case, run here."""
    build = os.path.dirname(os.path.dirname(os.path.dirname(kpui.POS)))
    result = kpui.run([os.path.join(build, 'tests', 'test-receipt-print'), '--tap', '-p',
                       '/receipt-print/export'],
                      env=kpui.child_env({'GSETTINGS_BACKEND': 'memory',
                                          'G_DEBUG': 'fatal-warnings'}),
                      capture_output=True, text=True, timeout=kpui.PATIENCE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'ok 1 /receipt-print/export' in result.stdout, result.stdout
    assert 'SKIP' not in result.stdout, result.stdout


if __name__ == '__main__':
    sys.exit(kpui.main([
        test_auto_print_and_ctrl_p,
        test_printer_off_then_retry,
        test_reprint_from_history,
        test_refund_prints_cancellation,
        test_pdf_on_a_display,
    ], sys.argv))
