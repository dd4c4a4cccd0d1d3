#!/usr/bin/python3
# test-pos.py: the cashier's sale, end to end, under Xvfb.
#
# It runs itself in a clean session of its own (kpui.session: a private session bus
# for AT-SPI, a temporary home) and starts its own Xvfb.
# Each case starts kakaopay-pos on its embedded sandbox with a fresh journal, types
# like a cashier (xdotool), decodes the QR code from a screenshot (zbarimg), plays the
# customer's phone over HTTP (payment page, then the redirect back to the terminal),
# and checks the screen (AT-SPI) and the journal (SQLite file and CSV export).
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import re
import sys
import urllib.parse

import kpui
from kpui import (Focus, Pos, covering_charge, customer, focus_in, focused_in, http, same,
                  wait_gone, wait_until)
from kpwindows import WindowsMixin, button

CSV_HEADER = ['partner_order_id', 'tid', 'aid', 'state', 'item_name', 'quantity',
              'total_amount', 'tax_free_amount', 'vat_amount', 'payment_method_type',
              'created_at', 'approved_at', 'refunded_amount']
ISO_OFFSET = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$')


def ring_up(pos):
    pos.add_line('Americano', 2, '4,500')
    pos.add_line('Cookie', 1, '1500')
    pos.wait_text('₩10,500')


def charge(pos):
    pos.key('ctrl+Return', to=pos.window_focus())
    url = pos.qr()
    sale = pos.wait_state('AWAITING_CUSTOMER')
    return url, sale


def check_csv(pos, expected_states):
    rows = pos.export_csv()
    assert rows[0] == CSV_HEADER, rows[0]
    assert [r[3] for r in rows[1:]] == expected_states, rows
    for row in rows[1:]:
        assert ISO_OFFSET.match(row[10]), row[10]
        assert row[12] == '0'
        assert row[6].isdigit() and row[8].isdigit()
    return rows


def full_sale(dialect, method):
    pos = Pos(['--dialect', dialect])
    try:
        wait_until('focus on the item field', pos.field('Item name'))
        ring_up(pos)
        # Focus came back to the item field after each line.
        wait_until('focus on the item field', pos.field('Item name'))
        url, sale = charge(pos)

        # The QR is KakaoPay's pc page, and the tid was journaled before it showed.
        assert '/pc/' in url or url.endswith('/info'), url
        assert sale['tid'] and len(sale['tid']) == 20
        assert sale['item_name'] == 'Americano and 1 more', sale['item_name']
        assert sale['quantity'] == 3 and sale['total_amount'] == 10500
        assert sale['vat_amount'] == 955 and sale['tax_free_amount'] == 0
        assert pos.has_text('₩10,500')
        assert pos.has_text('Waiting for the customer')

        location, status, body = customer(url, 'pay', method)
        assert status == 200, status
        assert '결제가 완료되었습니다' in body and 'return to the counter' in body
        assert 'pg_token=' in location and '/kakaopay/approve/' in location

        pos.wait_text('Payment Approved')
        sale = pos.wait_state('APPROVED')
        # A sale approved on screen is not news from the reconciler.
        assert not pos.has_text('paid after all'), pos.texts()
        assert sale['aid'].startswith('A') and len(sale['aid']) == 20
        assert sale['payment_method_type'] == method
        assert sale['approved_at']
        assert pos.transitions(sale['partner_order_id']) == [
            'READY_SENT', 'AWAITING_CUSTOMER', 'APPROVING', 'APPROVED']
        assert pos.has_text(sale['aid'])
        if method == 'CARD':
            assert pos.has_text('Card ·'), pos.texts()
        else:
            assert pos.has_text('KakaoPay Money')

        # The phone reloading the approval page after the sale ended: gone.
        wait_gone(location)

        # Enter starts the next sale: empty cart, focus on the item field.
        pos.key('Return', to=button(pos, 'New Sale (Enter)'))
        pos.wait_text('Charge ₩0')
        wait_until('focus on the item field', pos.field('Item name'))
        assert not pos.has_text('paid after all'), pos.texts()

        rows = check_csv(pos, ['APPROVED'])
        assert rows[1][0] == sale['partner_order_id'] and rows[1][2] == sale['aid']
        assert rows[1][9] == method and ISO_OFFSET.match(rows[1][11])
    finally:
        pos.cleanup()


def test_sale_online_money():
    full_sale('online', 'MONEY')


def test_sale_legacy_card():
    full_sale('legacy', 'CARD')


def test_qr_mobile_target():
    pos = Pos(settings={'qr-target': "'mobile'"})
    try:
        pos.add_line('Latte', 1, '5000')
        url, sale = charge(pos)
        assert '/mobile-web/' in url, url
        status, _, body = http(url)
        assert status == 200 and '5,000' in body
    finally:
        pos.cleanup()


def ended_back_to_cart(action, state, message):
    pos = Pos()
    try:
        ring_up(pos)
        url, sale = charge(pos)
        location, status, body = customer(url, action)
        assert status == 200, status
        pos.wait_text(message)
        pos.wait_state(state)
        # Back at the cart, unchanged, focus on the item field.
        assert pos.has_text('Charge ₩10,500') and pos.has_text('Americano')
        wait_until('focus on the item field', pos.field('Item name'))
        check_csv(pos, [state])
        # The cashier charges again: a new order, approved this time.
        url2, sale2 = charge(pos)
        assert sale2['partner_order_id'] != sale['partner_order_id']
        customer(url2, 'pay')
        pos.wait_state('APPROVED')
    finally:
        pos.cleanup()


def test_customer_cancels():
    ended_back_to_cart('cancel', 'CANCELLED_BY_CUSTOMER', 'The customer cancelled')


def test_customer_fails():
    ended_back_to_cart('fail', 'FAILED', 'payment failed')


def test_cashier_cancels():
    pos = DialogPos()
    try:
        ring_up(pos)
        url, sale = charge(pos)
        pos.cancel_payment()
        pos.wait_text('Payment cancelled at the counter')
        pos.wait_state('ABORTED_BY_CASHIER')
        assert pos.has_text('Charge ₩10,500')
        # The customer's link no longer works at the terminal.
        status, headers, body = http(url, {'action': 'pay', 'method': 'MONEY'})
        if status == 303:
            status, _, _ = http(headers['Location'])
            assert status == 410, status
        assert pos.sales()[-1]['state'] == 'ABORTED_BY_CASHIER'
    finally:
        pos.cleanup()


def test_expiry():
    # A 20-second payment lifetime, on the terminal and in its sandbox alike (the
    # terminal's own clock ends it: a real wait, however fast the machine). The
    # countdown is read before anything slow (the QR code).
    pos = Pos(settings={'tid-lifetime': 'uint32 20', 'poll-interval': 'uint32 500'})
    try:
        pos.add_line('Tea', 1, '3000')
        pos.wait_text('Charge ₩3,000')
        pos.key('ctrl+Return', to=pos.window_focus())
        pos.wait_state('AWAITING_CUSTOMER')
        pos.wait_text('Expires in 0:')
        pos.wait_text('The payment expired')
        pos.wait_state('EXPIRED')
        assert pos.has_text('Charge ₩3,000')
        check_csv(pos, ['EXPIRED'])
    finally:
        pos.cleanup()


def test_ready_error():
    # A CID KakaoPay does not know: ready is refused, the cart stays.
    pos = Pos(['--cid', 'C000000000'])
    try:
        ring_up(pos)
        pos.key('ctrl+Return', to=pos.window_focus())
        pos.wait_text('could not start')
        assert pos.has_text('CID'), pos.texts()
        pos.wait_state('READY_FAILED')
        assert pos.has_text('Charge ₩10,500')
        wait_until('focus on the item field', pos.field('Item name'))
        check_csv(pos, ['READY_FAILED'])
    finally:
        pos.cleanup()


def test_forged_and_duplicate_callbacks():
    pos = Pos()
    try:
        pos.add_line('Bagel', 1, '3500')
        url, sale = charge(pos)
        order = sale['partner_order_id']

        # Pay on the page but keep the redirect: first try forgeries.
        status, headers, _ = http(url)
        status, headers, _ = http(url, {'action': 'pay', 'method': 'MONEY'})
        assert status == 303
        real = headers['Location']
        parts = urllib.parse.urlsplit(real)
        base = '%s://%s' % (parts.scheme, parts.netloc)
        forged = [
            '%s/kakaopay/approve/%s?n=%s&pg_token=%s' % (base, order, '0' * 32, 'f' * 20),
            '%s/kakaopay/approve/%s?pg_token=%s' % (base, order, 'f' * 20),
            '%s/kakaopay/cancel/%s?n=%s' % (base, order, '1' * 32),
            '%s/kakaopay/approve/T9-20000101-0001?%s' % (base, parts.query),
        ]
        for link in forged:
            status, _, _ = http(link)
            assert status == 404, (link, status)
        assert pos.sales()[-1]['state'] == 'AWAITING_CUSTOMER'
        assert pos.has_text('Scan with your phone')

        # The real one, twice (a reload): one approval.
        status, _, _ = http(real)
        assert status == 200
        http(real)
        pos.wait_state('APPROVED')
        assert pos.transitions(order).count('APPROVING') == 1
        # The listener lets the order go just after the journal write: a replay in
        # between is only heard again (200), and ignored.
        wait_gone(real)
        assert pos.transitions(order).count('APPROVING') == 1
    finally:
        pos.cleanup()


def test_bad_input_refused():
    pos = Pos()
    try:
        pos.add_line('Water', 1, '1200')
        pos.wait_text('Charge ₩1,200')
        cases = [('Soda', '1', '0'), ('Soda', '0', '1000'), ('Soda', '1', '12a'),
                 ('Soda', '1', '-5'), ('Soda', '1', '10,000,001'), ('X' * 101, '1', '100')]
        pos.clear_fields()
        for name, quantity, price in cases:
            pos.add_line(name, quantity, price)
            error = wait_until('an input error', pos.error_text)
            assert error, (name, quantity, price)
            # Nothing added, nothing lost, and what was typed is still there to fix.
            assert pos.has_text('Charge ₩1,200'), (name, price, pos.texts())
            assert pos.has_text('Water')
            pos.clear_fields()
        # A good line clears the error.
        pos.add_line('Soda', 2, '1,000')
        pos.wait_text('Charge ₩3,200')
        assert pos.error_text() is None
    finally:
        pos.cleanup()


def editing(pos, what):
    """The cart cell that has the focus, and then the focus inside it, in its text
    (being edited)."""
    cell = focused_in(pos.frame)
    inside = focus_in(pos.frame, cell, 'the %s' % what)
    return Focus('the %s, being edited' % what,
                 lambda: inside() and not same(focused_in(pos.frame), cell))


def test_edit_and_remove_lines():
    pos = CartPos()
    try:
        pos.add_line('Americano', 1, '4500')
        pos.add_line('Cookie', 1, '1500')
        pos.wait_text('Charge ₩6,000')
        # Tab past the entry row into the cart: the first line's quantity.
        pos.key('Tab', 'Tab', 'Tab', 'Tab', 'Tab', to=pos.field('Item name'))
        quantity = pos.field('Quantity', 'filler')
        wait_until('focus on a quantity', quantity)
        edit = editing(pos, 'quantity')
        pos.key('Return', to=quantity)
        pos.key('ctrl+a', to=edit)
        pos.type('3', into=edit)
        pos.key('Return', to=edit)
        pos.wait_text('Charge ₩15,000')
        wait_until('focus on the item field', pos.field('Item name'))

        # A refused edit (price 0) puts the old value back and says why.
        pos.key('Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', to=pos.field('Item name'))
        price = pos.field('Unit price', 'filler')
        wait_until('focus on a price', price)
        edit = editing(pos, 'price')
        pos.key('Return', to=price)
        pos.key('ctrl+a', to=edit)
        pos.type('0', into=edit)
        pos.key('Return', to=edit)
        wait_until('an input error', pos.error_text)
        assert pos.has_text('Charge ₩15,000')

        # Delete removes the line the focus is on (selected as the focus came to it),
        # with an Undo toast; the focus goes back to the item field.
        pos.key('Delete', to=pos.window_focus())
        pos.wait_text('Charge ₩1,500')
        assert line_names(pos) == ['Cookie'], line_names(pos)
        assert pos.has_text('“Americano” removed')
        wait_until('focus on the item field', pos.field('Item name'))
    finally:
        pos.cleanup()


def test_korean():
    # The app follows the locale: Korean text, money as 원, item_name with 외 N건.
    pos = CartPos(language='ko')
    try:
        ring_up_ko = [('Americano', 2, '4,500'), ('Cookie', 1, '1500')]
        for name, quantity, price in ring_up_ko:
            pos.add_line(name, quantity, price)
        pos.wait_text('10,500원 결제')
        assert pos.has_text('공급가액') and pos.has_text('부가세'), pos.texts()
        # Alt+T in Korean too; the cart tags the line 면세.
        pos.type('Rice', into=pos.field('Item name'))
        pos.key('alt+t', 'Return', to=pos.field('Item name'))
        pos.type('2000', into=pos.field('Unit price'))
        pos.key('Return', to=pos.field('Unit price'))
        pos.wait_text('12,500원 결제')
        assert cart_rows(pos)[-1][0][:2] == ['Rice', '면세'], cart_rows(pos)
        pos.key('ctrl+Return', to=pos.window_focus())
        url = pos.qr()
        sale = pos.wait_state('AWAITING_CUSTOMER')
        assert sale['item_name'] == 'Americano 외 2건', sale['item_name']
        assert sale['tax_free_amount'] == 2000, sale
        pos.wait_text('휴대폰으로 스캔해')
        customer(url, 'pay')
        pos.wait_text('결제 승인 완료')
        pos.wait_state('APPROVED')
    finally:
        pos.cleanup()


class DialogPos(WindowsMixin, Pos):
    """Pos, reading the program's dialogs too."""


def customer_opens(pos, url):
    """The customer's phone opens the payment page; the terminal hears of it from
    KakaoPay's status."""
    status, _, _ = http(url)
    assert status == 200, status
    pos.wait_text('Customer opened the payment page')


def focused_button(window):
    focus = window.focused()
    return focus[1] if focus is not None and focus[0] == 'push button' else None


def test_paying_page_ignores_enter():
    # Enter and Space out of habit on the QR page: the payment goes on.
    pos = DialogPos()
    try:
        ring_up(pos)
        url, sale = charge(pos)
        order = sale['partner_order_id']
        wait_until('the focus on the paying page, not on Cancel',
                   lambda: pos.focused() is not None and 'Cancel' not in pos.focused()[1])
        pos.key('Return', 'space', 'KP_Enter', 'Return', to=pos.window_focus())
        # The customer opens the page after the keys: the status proves they were read.
        customer_opens(pos, url)
        assert pos.has_text('Scan with your phone'), pos.texts()
        assert pos.sales()[-1]['state'] == 'AWAITING_CUSTOMER'
        assert pos.transitions(order) == ['READY_SENT', 'AWAITING_CUSTOMER']
        # Still payable: the customer pays, and only then does Enter start the next sale.
        customer(url, 'pay')
        pos.wait_text('Payment Approved')
        pos.wait_state('APPROVED')
        pos.key('Return', to=button(pos, 'New Sale (Enter)'))
        pos.wait_text('Charge ₩0')
    finally:
        pos.cleanup()


def test_cancel_once_customer_is_paying():
    # Once KakaoPay says the customer is at work, Escape asks first; keeping is the
    # default, and cancelling is a deliberate choice.
    pos = DialogPos()
    try:
        ring_up(pos)
        url, sale = charge(pos)
        order = sale['partner_order_id']
        customer_opens(pos, url)

        pos.key('Escape', to=pos.window_focus())
        dialog = pos.wait_window('Cancel this payment?', role='dialog')
        assert dialog.has_text('nothing is charged'), dialog.texts()
        keep = Focus('Keep Waiting', lambda: (focused_button(dialog) or '').endswith('Keep Waiting'))
        pos.key('Return', to=keep)
        dialog.wait_closed()
        assert pos.sales()[-1]['state'] == 'AWAITING_CUSTOMER'

        # Escape twice: the question, then Escape keeps the payment too.
        pos.key('Escape', to=pos.window_focus())
        dialog = pos.wait_window('Cancel this payment?', role='dialog')
        pos.key('Escape', to=dialog.default_button())
        dialog.wait_closed()
        assert pos.has_text('Scan with your phone'), pos.texts()
        assert pos.transitions(order) == ['READY_SENT', 'AWAITING_CUSTOMER']

        # The button, reached with Tab, asks the same; Cancel Payment (Alt+C) cancels.
        for _ in range(6):
            if 'Cancel Payment' in (focused_button(pos) or ''):
                break
            before = pos.focused()
            pos.key('Tab', to=pos.window_focus())
            wait_until('the focus to move', lambda: pos.focused() != before)
        assert 'Cancel Payment' in (focused_button(pos) or ''), pos.focused()
        pos.key('Return', to=button(pos, 'Cancel Payment (Esc)'))
        dialog = pos.wait_window('Cancel this payment?', role='dialog')
        pos.key('alt+c', to=dialog.default_button())
        dialog.wait_closed()
        pos.wait_text('Payment cancelled at the counter')
        pos.wait_state('ABORTED_BY_CASHIER')
        assert pos.has_text('Charge ₩10,500')
    finally:
        pos.cleanup()


# -- the cart by keyboard --

def cart_rows(pos):
    """The cart's lines as the screen shows them: (texts of the row, selected)."""
    rows = []
    for role, name, focused, acc in pos.widgets():
        if role != 'table row':
            continue
        texts = [n for r, n, f, a in pos.widgets_of(acc) if r == 'label']
        cells = [n for r, n, f, a in pos.widgets_of(acc) if r == 'table cell']
        if cells:
            rows.append((texts, kpui.states(acc).contains(kpui.Atspi.StateType.SELECTED)))
    return rows


def selected_line(pos):
    """The name of the selected cart line, or None."""
    for texts, selected in cart_rows(pos):
        if selected:
            return texts[0]
    return None


def wait_selected(pos, name):
    wait_until('“%s” selected in the cart' % name, lambda: selected_line(pos) == name)


def line_names(pos):
    return [texts[0] for texts, selected in cart_rows(pos)]


class CartPos(DialogPos):
    """Pos, reading the cart's rows and the tax-free box too."""

    def widgets_of(self, acc):
        out = []
        self._walk(acc, out)
        return out

    def has_checked(self):
        """Whether the tax-free box is ticked."""
        return any(role == 'check box' and
                   kpui.states(acc).contains(kpui.Atspi.StateType.CHECKED)
                   for role, name, focused, acc in self.widgets())


def test_tax_free_sticks():
    # Tab to the box, Space ticks it, Enter adds the line ticked; Alt+T from the item
    # field does the same. The cart marks the tax-free lines, and the sale carries them.
    pos = CartPos()
    try:
        # GTK 4.8 names a widget with a mnemonic "_Label Label" or "_Label".
        tax_free = Focus('the tax-free box', lambda: (pos.focused() or ('', ''))[0] == 'check box'
                         and 'Tax free (Alt+T)' in pos.focused()[1])
        pos.type('Rice', into=pos.field('Item name'))
        pos.key('Tab', to=pos.field('Item name'))
        pos.key('Tab', to=pos.field('Quantity'))
        pos.type('2000', into=pos.field('Unit price'))
        pos.key('Tab', to=pos.field('Unit price'))
        pos.key('space', to=tax_free)
        wait_until('the box ticked', lambda: pos.has_checked())
        pos.key('Return', to=tax_free)
        pos.wait_text('Charge ₩2,000')
        wait_until('focus on the item field', pos.field('Item name'))
        assert cart_rows(pos)[0][0][:2] == ['Rice', 'Tax-free'], cart_rows(pos)
        assert not pos.has_checked(), 'the box stays ticked for the next line'

        # Alt+T, anywhere in the entry bar, then Enter in the price.
        pos.type('Eggs', into=pos.field('Item name'))
        pos.key('alt+t', to=pos.field('Item name'))
        wait_until('the box ticked', lambda: pos.has_checked())
        pos.key('Return', to=pos.field('Item name'))
        pos.type('500', into=pos.field('Unit price'))
        pos.key('Return', to=pos.field('Unit price'))
        pos.wait_text('Charge ₩2,500')
        # A taxed line has no tag.
        pos.add_line('Cola', 1, '1500')
        pos.wait_text('Charge ₩4,000')
        tags = {texts[0]: 'Tax-free' in texts for texts, selected in cart_rows(pos)}
        assert tags == {'Rice': True, 'Eggs': True, 'Cola': False}, tags

        url, sale = charge(pos)
        assert sale['total_amount'] == 4000 and sale['tax_free_amount'] == 2500, sale
        assert sale['vat_amount'] == 136, sale
    finally:
        pos.cleanup()


def test_enter_after_item_name():
    # Enter after the name goes to the unit price: the quantity stays 1.
    pos = CartPos()
    try:
        pos.type('Americano', into=pos.field('Item name'))
        pos.key('Return', to=pos.field('Item name'))
        pos.type('4500', into=pos.field('Unit price'))
        pos.key('Return', to=pos.field('Unit price'))
        pos.wait_text('Charge ₩4,500')
        assert cart_rows(pos)[0][0][:3] == ['Americano', '1', '4,500'], cart_rows(pos)

        # Tab keeps item → quantity → price. A quantity that looks like a price asks
        # first; Enter out of habit changes the quantity, it does not add.
        pos.type('Latte', into=pos.field('Item name'))
        pos.key('Tab', to=pos.field('Item name'))
        pos.type('150', into=pos.field('Quantity'))
        pos.key('Tab', to=pos.field('Quantity'))
        pos.type('5000', into=pos.field('Unit price'))
        pos.key('Return', to=pos.field('Unit price'))
        dialog = pos.wait_window('Quantity 150?', role='dialog')
        assert dialog.has_text('Latte'), dialog.texts()
        change = Focus('Change Quantity',
                       lambda: (focused_button(dialog) or '').endswith('Change Quantity'))
        pos.key('Return', to=change)
        dialog.wait_closed()
        wait_until('focus on the quantity', pos.field('Quantity'))
        assert pos.has_text('Charge ₩4,500') and line_names(pos) == ['Americano']
        # Escape does not add either.
        pos.key('Return', to=pos.field('Quantity'))
        dialog = pos.wait_window('Quantity 150?', role='dialog')
        pos.key('Escape', to=dialog.default_button())
        dialog.wait_closed()
        wait_until('focus on the quantity', pos.field('Quantity'))
        assert line_names(pos) == ['Americano']
        # The quantity was selected: typing replaces it.
        pos.type('2', into=pos.field('Quantity'))
        pos.key('Return', to=pos.field('Quantity'))
        pos.wait_text('Charge ₩14,500')
        wait_selected(pos, 'Latte')

        # A large quantity on purpose: Alt+A adds it.
        pos.type('Straw', into=pos.field('Item name'))
        pos.key('Tab', to=pos.field('Item name'))
        pos.type('200', into=pos.field('Quantity'))
        pos.key('Tab', to=pos.field('Quantity'))
        pos.type('10', into=pos.field('Unit price'))
        pos.key('Return', to=pos.field('Unit price'))
        dialog = pos.wait_window('Quantity 200?', role='dialog')
        pos.key('alt+a', to=dialog.default_button())
        dialog.wait_closed()
        pos.wait_text('Charge ₩16,500')
        wait_until('focus on the item field', pos.field('Item name'))

        # A line the cart refuses anyway (over ₩10,000,000) is refused at once, unasked.
        pos.type('Gold', into=pos.field('Item name'))
        pos.key('Tab', to=pos.field('Item name'))
        pos.type('150', into=pos.field('Quantity'))
        pos.key('Tab', to=pos.field('Quantity'))
        pos.type('100000', into=pos.field('Unit price'))
        pos.key('Return', to=pos.field('Unit price'))
        wait_until('an input error', pos.error_text)
        wait_until('focus on the quantity', pos.field('Quantity'))
        assert pos.find_window('Quantity 150?', 'dialog', active=False) is None
        assert pos.has_text('Charge ₩16,500')
        pos.clear_fields()

        url, sale = charge(pos)
        assert sale['quantity'] == 203 and sale['total_amount'] == 16500, sale
    finally:
        pos.cleanup()


def test_keyboard_cart():
    pos = CartPos()
    try:
        for name, price in (('Apple', '1000'), ('Bread', '2000'), ('Cheese', '3000')):
            pos.type(name, into=pos.field('Item name'))
            pos.key('Return', to=pos.field('Item name'))
            pos.type(price, into=pos.field('Unit price'))
            pos.key('Return', to=pos.field('Unit price'))
            # The line just added is the selected one.
            wait_selected(pos, name)
        pos.wait_text('Charge ₩6,000')
        item = pos.field('Item name')

        # From the empty item field: Up, Ctrl++ and Ctrl+-, Alt+Down.
        pos.key('Up', to=item)
        wait_selected(pos, 'Bread')
        pos.key('ctrl+plus', 'ctrl+plus', to=item)
        pos.wait_text('Charge ₩10,000')
        pos.key('ctrl+minus', to=item)
        pos.wait_text('Charge ₩8,000')
        pos.key('alt+Down', to=item)
        wait_selected(pos, 'Cheese')
        # Typing is kept: Up and Down move the selection and leave the text, Delete in
        # text deletes text, not a line.
        pos.type('Dates', into=item)
        pos.key('Up', to=item)
        wait_selected(pos, 'Bread')
        pos.key('Down', 'Home', 'Delete', to=item)
        wait_selected(pos, 'Cheese')
        pos.type('D', into=item)
        pos.key('Tab', to=item)
        pos.type('700', into=pos.field('Quantity'))
        pos.key('Tab', to=pos.field('Quantity'))
        pos.type('10', into=pos.field('Unit price'))
        pos.key('Return', to=pos.field('Unit price'))
        dialog = pos.wait_window('Quantity 700?', role='dialog')
        assert dialog.has_text('“Dates”'), dialog.texts()
        pos.key('Escape', to=dialog.default_button())
        dialog.wait_closed()
        pos.clear_fields()
        assert line_names(pos) == ['Apple', 'Bread', 'Cheese'] and pos.has_text('Charge ₩8,000')

        # Delete removes the selected line with an Undo toast; Ctrl+Z puts it back in
        # its place.
        pos.key('Up', 'Up', to=item)
        wait_selected(pos, 'Apple')
        pos.key('Delete', to=item)
        pos.wait_text('“Apple” removed')
        pos.wait_text('Charge ₩7,000')
        assert line_names(pos) == ['Bread', 'Cheese'], line_names(pos)
        assert any(role == 'push button' and name.endswith('Undo')
                   for role, name, focused, acc in pos.widgets()), pos.texts()
        # The message pops up over the cart, not over the Charge button beside it.
        assert not covering_charge(pos), covering_charge(pos)
        pos.key('ctrl+z', to=item)
        pos.wait_text('Charge ₩8,000')
        assert line_names(pos) == ['Apple', 'Bread', 'Cheese'], line_names(pos)
        wait_selected(pos, 'Apple')

        # In the cart list itself: + and - and Delete act on the selected line.
        pos.key('Tab', 'Tab', 'Tab', 'Tab', 'Tab', to=item)
        in_cart = Focus('the cart', lambda: (pos.focused() or ('', ''))[0] in
                        ('filler', 'table row', 'table cell'))
        wait_until('focus in the cart', in_cart)
        # The line the focus lands on is the selected one; Home goes to the first.
        wait_until('the focused line selected', lambda: selected_line(pos) is not None)
        pos.key('Home', to=in_cart)
        wait_selected(pos, 'Apple')
        pos.key('plus', to=in_cart)
        pos.wait_text('Charge ₩9,000')
        pos.key('minus', 'minus', to=in_cart)
        wait_until('the error', lambda: 'The quantity is 1 already' in (pos.error_text() or ''))
        assert pos.has_text('Charge ₩8,000')
        pos.key('Delete', to=in_cart)
        pos.wait_text('Charge ₩7,000')
        wait_until('focus on the item field', item)
        pos.key('ctrl+z', to=item)
        pos.wait_text('Charge ₩8,000')

        # Paying: the cart is frozen, none of the keys change it.
        url, sale = charge(pos)
        assert sale['total_amount'] == 8000 and sale['quantity'] == 4, sale
        pos.key('Delete', 'plus', 'minus', 'ctrl+plus', 'ctrl+minus', 'ctrl+z', 'alt+Up',
                'Up', to=pos.window_focus())
        customer_opens(pos, url)
        pos.cancel_payment()
        pos.wait_text('Payment cancelled at the counter')
        assert pos.has_text('Charge ₩8,000')
        assert line_names(pos) == ['Apple', 'Bread', 'Cheese'], line_names(pos)
        rows = {texts[0]: texts[1] for texts, selected in cart_rows(pos)}
        assert rows == {'Apple': '1', 'Bread': '2', 'Cheese': '1'}, rows
        # The removal before the sale cannot be undone any more.
        pos.key('ctrl+z', to=item)
        pos.add_line('Figs', 1, '500')
        pos.wait_text('Charge ₩8,500')
        assert line_names(pos) == ['Apple', 'Bread', 'Cheese', 'Figs'], line_names(pos)

        # Ctrl+Q with lines in the cart asks; Enter keeps the program running.
        pos.key('ctrl+q', to=item)
        dialog = pos.wait_window('Quit KakaoPay POS?', role='dialog')
        assert dialog.has_text('4 lines'), dialog.texts()
        cancel = Focus('Cancel', lambda: (focused_button(dialog) or '').endswith('Cancel'))
        pos.key('Return', to=cancel)
        dialog.wait_closed()
        wait_until('focus on the item field', item)
        assert pos.proc.poll() is None
        # The window's own close button asks the same question (pressed as a screen
        # reader presses it); Escape keeps the program running.
        close = [acc for role, name, focused, acc in pos.widgets()
                 if role == 'push button' and name == 'Close']
        assert close, pos.texts()
        close[0].get_action_iface().do_action(0)
        dialog = pos.wait_window('Quit KakaoPay POS?', role='dialog')
        pos.key('Escape', to=dialog.default_button())
        dialog.wait_closed()
        wait_until('focus on the item field', item)
        assert pos.proc.poll() is None
        pos.key('ctrl+q', to=item)
        dialog = pos.wait_window('Quit KakaoPay POS?', role='dialog')
        # Ctrl+Q again asks no second time; Alt+Q quits.
        pos.key('ctrl+q', to=dialog.default_button())
        pos.key('alt+q', to=dialog.default_button())
        assert pos.proc.wait(kpui.PATIENCE) == 0
    finally:
        pos.cleanup()


def test_shortcuts_window():
    # Ctrl+? lists the keys: those of the actions (read from the program's own
    # accelerators) and the cart's, each with its keys shown before its title.
    pos = CartPos()
    try:
        pos.key('ctrl+question', to=pos.field('Item name'))
        window = pos.wait_window('GtkShortcutsWindow')
        window.wait_text('Put the removed line back')
        texts = window.texts()

        def keys_of(title):
            index = texts.index(title)
            keys = []
            # Keys are short; so are a few titles.
            while index > 0 and len(texts[index - 1]) <= 8 and texts[index - 1] != 'Charge':
                index -= 1
                keys.insert(0, texts[index])
            return keys

        expected = {
            'Charge': ['Ctrl', '+', '⏎'],
            'Cancel the waiting payment': ['Escape'],
            'Show the sale': ['Alt', '+', '1'],
            'Tax-free line on or off': ['Alt', '+', 'T'],
            'Select the line above or below (in the cart or the item field)': ['↑', '/', '↓'],
            'One more, one less of the selected line (in the cart)': ['+', '/', '-'],
            'Put the removed line back': ['Ctrl', '+', 'Z'],
            'Remove the selected line (in the cart, or in the empty item field)': ['Delete'],
        }
        for title, keys in expected.items():
            shown = keys_of(title)
            assert shown[:len(keys)] == keys, (title, shown)
        pos.key('Escape', to=window.whole())
        window.wait_closed()
        wait_until('focus on the item field', pos.field('Item name'))
    finally:
        pos.cleanup()


if __name__ == '__main__':
    sys.exit(kpui.main([
        test_sale_online_money,
        test_sale_legacy_card,
        test_qr_mobile_target,
        test_customer_cancels,
        test_customer_fails,
        test_cashier_cancels,
        test_expiry,
        test_ready_error,
        test_forged_and_duplicate_callbacks,
        test_bad_input_refused,
        test_edit_and_remove_lines,
        test_korean,
        test_paying_page_ignores_enter,
        test_cancel_once_customer_is_paying,
        test_tax_free_sticks,
        test_enter_after_item_name,
        test_keyboard_cart,
        test_shortcuts_window,
    ], sys.argv))
