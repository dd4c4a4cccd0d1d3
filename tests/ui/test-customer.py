#!/usr/bin/python3
# test-customer.py: the customer display, end to end, under Xvfb.
#
# It runs itself in a clean session of its own (kpui.session) and starts its own Xvfb:
# one 1280×800 screen, where the customer display is a normal window over the cashier's
# (without a window manager both open at the top left corner). Each case starts
# kakaopay-pos on its embedded sandbox with --customer-display, rings up like a cashier
# (xdotool, into the cashier's window: the customer's never takes the keyboard), reads
# both windows (AT-SPI), decodes both QR codes from screenshots (zbarimg) and plays the
# customer's phone over HTTP.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import sys

import gi

gi.require_version('Atspi', '2.0')
gi.require_version('GdkPixbuf', '2.0')
from gi.repository import Atspi, GdkPixbuf  # noqa: E402

import kpui  # noqa: E402
from kpui import Pos, customer, do_action, extents, run, wait_until  # noqa: E402
from kpwindows import WindowsMixin, button  # noqa: E402

TITLE = 'KakaoPay POS — Customer'
SCREEN = (1280, 800)
# The white margin around a QR code, in modules, that the specification asks for.
QUIET_ZONE = 4


class CustomerPos(WindowsMixin, Pos):
    """kakaopay-pos with the customer display open."""

    def __init__(self, args=(), **kwargs):
        super().__init__(['--customer-display'] + list(args), **kwargs)
        assert not self.frame.get_name().startswith(self._(TITLE)), self.frame.get_name()
        self.display = self.wait_display()

    def wait_display(self):
        """The customer display, once it is open."""
        return self.wait_window(self._(TITLE), role='frame', active=False)

    def cashier_kept_keyboard(self):
        """The cashier's window has the keyboard, the customer's does not."""
        assert not self.display.active(), 'the customer display took the keyboard'
        assert kpui.window_active(self.frame), self.where_focus()

    def xid(self, title):
        """The X window of this program titled @title."""
        found = run(['xdotool', 'search', '--onlyvisible', '--pid', str(self.proc.pid)],
                    capture_output=True, text=True).stdout.split()
        for window in found:
            name = run(['xdotool', 'getwindowname', window],
                       capture_output=True, text=True).stdout.strip()
            if name == title:
                return window
        raise AssertionError('no window “%s” among %s' % (title, found))

    def raise_window(self, title):
        """Puts the window @title on top of the other (no window manager does): a
        raise only restacks, the keyboard stays where it is."""
        run(['xdotool', 'windowraise', self.xid(title)], check=True)

    def shot(self, area):
        """A screenshot of @area (x, y, width, height on the screen), as a file."""
        x, y, width, height = area
        path = os.path.join(self.dir, 'shot-%d-%d.png' % (x, y))
        run(['import', '-window', 'root', '-crop', '%dx%d+%d+%d' % (width, height, x, y),
             '+repage', path], check=True)
        return path

    def qr_in(self, window_acc):
        """The text of the QR code in @window_acc, decoded from the screen once the
        window is painted on top; (text, screenshot of the whole screen)."""
        area = extents(window_acc)

        def decode():
            path = self.shot(area)
            result = run(['zbarimg', '-q', '--raw', path], capture_output=True, text=True)
            os.unlink(path)
            lines = result.stdout.split()
            return lines if result.returncode == 0 else None
        found = wait_until('a QR code in “%s”' % window_acc.get_name(), decode, step=0.2)
        assert len(found) == 1, found
        return found[0]


def texts_of(window):
    return [t for t in window.texts() if t]


def quiet_zone_on_screen(pos, picture):
    """The QR code drawn in @picture (an accessible), with its quiet zone, lies wholly
    on the 1280×800 screen: dark modules inside, white all around for QUIET_ZONE
    modules. Returns the module size in pixels."""
    path = pos.shot((0, 0) + SCREEN)
    pixbuf = GdkPixbuf.Pixbuf.new_from_file(path)
    os.unlink(path)
    assert (pixbuf.get_width(), pixbuf.get_height()) == SCREEN
    pixels = pixbuf.get_pixels()
    stride = pixbuf.get_rowstride()
    channels = pixbuf.get_n_channels()

    def value(x, y):
        offset = y * stride + x * channels
        return min(pixels[offset:offset + 3])

    x0, y0, width, height = extents(picture)
    assert x0 >= 0 and y0 >= 0 and x0 + width <= SCREEN[0] and y0 + height <= SCREEN[1], \
        (x0, y0, width, height)
    dark = [(x, y) for y in range(y0, y0 + height, 2) for x in range(x0, x0 + width, 2)
            if value(x, y) < 128]
    assert dark, 'no QR code drawn'
    left = min(x for x, y in dark)
    top = min(y for x, y in dark)
    # The sampling step may have missed the first column or row.
    while left > x0 and value(left - 1, top) < 128:
        left -= 1
    while top > y0 and value(left, top - 1) < 128:
        top -= 1
    # The finder pattern in the top left corner is 7 modules wide.
    run_length = 0
    while value(left + run_length, top) < 128:
        run_length += 1
    module = run_length / 7
    assert module >= 2 and module == int(module), run_length
    module = int(module)
    right = max(x for x, y in dark)
    bottom = max(y for x, y in dark)
    while value(right + 1, top) < 128:
        right += 1
    while value(left, bottom + 1) < 128:
        bottom += 1
    margin = QUIET_ZONE * module
    assert left - margin >= 0 and top - margin >= 0, (left, top, margin)
    assert right + margin < SCREEN[0] and bottom + margin < SCREEN[1], (right, bottom, margin)
    # The four strips around the code, each QUIET_ZONE modules wide.
    strips = [(left - margin, top - margin, right + margin, top - 1),
              (left - margin, bottom + 1, right + margin, bottom + margin),
              (left - margin, top, left - 1, bottom),
              (right + 1, top, right + margin, bottom)]
    for x1, y1, x2, y2 in strips:
        for y in range(y1, y2 + 1):
            for x in range(x1, x2 + 1):
                assert value(x, y) >= 250, 'not white at (%d, %d)' % (x, y)
    return module


def ring_up(pos):
    """Two lines, the second tax-free; the customer sees each as it is added."""
    pos.add_line('Americano', 2, '4,500')
    pos.display.wait_text('Americano')
    pos.display.wait_text('₩9,000')
    pos.type('Rice', into=pos.field('Item name'))
    pos.key('alt+t', 'Return', to=pos.field('Item name'))
    pos.type('2000', into=pos.field('Unit price'))
    pos.key('Return', to=pos.field('Unit price'))
    pos.wait_text('Charge ₩11,000')
    pos.display.wait_text('₩11,000')


def charge_both(pos):
    """Ctrl+Enter; the QR codes of both windows, decoded: (customer's, cashier's)."""
    pos.key('ctrl+Return', to=pos.window_focus())
    pos.display.wait_text(pos._('Scan with your phone to pay with KakaoPay'))
    pos.wait_text(pos._('Shown on the customer display'))
    pos.wait_state('AWAITING_CUSTOMER')
    pos.cashier_kept_keyboard()
    pos.raise_window(pos.display.title)
    on_display = pos.qr_in(pos.display.acc)
    pos.raise_window(pos.frame.get_name())
    on_counter = pos.qr_in(pos.frame)
    pos.raise_window(pos.display.title)
    return on_display, on_counter


def qr_picture(window, pos):
    for role, name, focused, acc in window.widgets():
        if name == pos._('Payment QR code'):
            return acc
    raise AssertionError('no QR code in “%s”: %s' % (window.title, texts_of(window)))


def check_sale(target, path):
    pos = CustomerPos(settings={'qr-target': "'%s'" % target, 'shop-name': "'Kakao Coffee'"})
    try:
        display = pos.display
        # It opened beside the cashier's window, which kept the keyboard.
        assert display.title == TITLE, display.title
        assert not kpui.same(display.acc, pos.frame)
        display.wait_text('Welcome')
        display.wait_text('Kakao Coffee')
        wait_until('focus on the item field', pos.field('Item name'))
        pos.cashier_kept_keyboard()
        x, y, width, height = extents(display.acc)
        assert x >= 0 and y >= 0 and x + width <= SCREEN[0] and y + height <= SCREEN[1], \
            extents(display.acc)

        ring_up(pos)
        shown = texts_of(display)
        for text in ('Americano', '2 × ₩4,500', '₩9,000', 'Rice', '1 × ₩2,000', '₩2,000',
                     'Tax-free', '₩11,000', 'VAT ₩818 included', 'Tax-free ₩2,000'):
            assert text in shown, (text, shown)
        assert shown.index('Americano') < shown.index('Rice'), shown
        pos.cashier_kept_keyboard()

        on_display, on_counter = charge_both(pos)
        assert on_display == on_counter, (on_display, on_counter)
        assert path in on_display, on_display
        display.wait_text('₩11,000')
        display.wait_text('Expires in ')
        # Nothing the cashier's screen does not show: no tid.
        sale = pos.sales()[-1]
        assert not any(sale['tid'] in t for t in texts_of(display)), texts_of(display)
        module = quiet_zone_on_screen(pos, qr_picture(display, pos))
        assert module >= 4, module

        location, status, body = customer(on_display, 'pay')
        assert status == 200, status
        display.wait_text('Thank you')
        display.wait_text('₩11,000')
        display.wait_text('Approved at ')
        pos.wait_state('APPROVED')
        pos.wait_text('Payment Approved')
        # Still the cashier's keyboard: Enter starts the next sale, and the customer is
        # welcomed again.
        pos.key('Return', to=button(pos, 'New Sale (Enter)'))
        pos.wait_text('Charge ₩0')
        display.wait_text('Welcome')
        wait_until('focus on the item field', pos.field('Item name'))
        pos.cashier_kept_keyboard()
    finally:
        pos.cleanup()


def test_sale_pc_page():
    check_sale('pc', '/pc/')


def test_sale_mobile_page():
    check_sale('mobile', '/mobile-web/')


def test_cancelled_then_back():
    # The customer cancels on the phone: the display says so, then shows the sale
    # again by itself (the cashier may charge again).
    pos = CustomerPos()
    try:
        pos.add_line('Bagel', 1, '3500')
        pos.display.wait_text('Bagel')
        pos.key('ctrl+Return', to=pos.window_focus())
        pos.display.wait_text('Scan with your phone')
        sale = pos.wait_state('AWAITING_CUSTOMER')
        pos.raise_window(pos.display.title)
        url = pos.qr_in(pos.display.acc)
        customer(url, 'cancel')
        pos.display.wait_text('The payment was cancelled.')
        assert not pos.display.has_text('Bagel'), texts_of(pos.display)
        pos.wait_state('CANCELLED_BY_CUSTOMER')
        wait_until('the sale on the customer display again',
                   lambda: pos.display.has_text('Bagel') and
                   not pos.display.has_text('The payment was cancelled.'))
        assert pos.display.has_text('₩3,500'), texts_of(pos.display)
        wait_until('focus on the item field', pos.field('Item name'))
        pos.cashier_kept_keyboard()
        assert sale['partner_order_id']
    finally:
        pos.cleanup()


def test_menu_and_preferences():
    # The main menu's toggle closes it; the switch in Preferences opens it again, in
    # the middle of a payment: it shows that payment's code at once. Neither takes the
    # keyboard from the cashier (or from Preferences) for good.
    pos = CustomerPos()
    try:
        wait_until('focus on the item field', pos.field('Item name'))
        pos.key('F10', to=pos.field('Item name'))
        item = wait_until('the menu’s Customer Display', lambda: next(
            (acc for role, name, focused, acc in pos.widgets()
             if role == 'check menu item' and 'Customer Display' in name), None))
        assert kpui.states(item).contains(Atspi.StateType.CHECKED)
        do_action(item)
        pos.display.wait_closed()
        wait_until('focus back on the item field', pos.field('Item name'))

        # Without the customer display, the cashier's code is the large one.
        pos.add_line('Tea', 1, '3000')
        pos.key('ctrl+Return', to=pos.window_focus())
        on_counter = pos.qr()
        pos.wait_state('AWAITING_CUSTOMER')
        assert not pos.has_text('Shown on the customer display'), pos.texts()

        pos.key('ctrl+comma', to=pos.window_focus())
        prefs = pos.wait_window(pos._('Preferences'), role='frame')
        tab = wait_until('the Approvals page', lambda: next(
            (acc for role, name, focused, acc in prefs.widgets()
             if role == 'page tab' and name == 'Approvals'), None))
        do_action(tab)
        switch = wait_until('the switch', lambda: next(
            (acc for role, name, focused, acc in prefs.widgets()
             if role == 'check box' and name == 'Customer display'), None))
        assert not kpui.states(switch).contains(Atspi.StateType.CHECKED)
        do_action(switch)
        pos.display = pos.wait_display()
        pos.display.wait_text('Scan with your phone to pay with KakaoPay')
        pos.display.wait_text('₩3,000')
        assert prefs.active(), 'the preferences lost the keyboard'
        pos.raise_window(pos.display.title)
        assert pos.qr_in(pos.display.acc) == on_counter
        pos.wait_text('Shown on the customer display')
        do_action(switch)
        pos.display.wait_closed()
        do_action(switch)
        pos.display = pos.wait_display()
        pos.display.wait_text('Scan with your phone to pay with KakaoPay')
        pos.key('Escape', to=prefs.whole())
        prefs.wait_closed()

        # Cancelled at the counter: said on the customer display, then the sale again.
        pos.cashier_kept_keyboard()
        pos.cancel_payment()
        pos.display.wait_text('The payment was cancelled at the counter.')
        pos.wait_state('ABORTED_BY_CASHIER')
        wait_until('the sale on the customer display again',
                   lambda: pos.display.has_text('Tea') and pos.display.has_text('₩3,000'))
        wait_until('focus back on the item field', pos.field('Item name'))
        pos.add_line('Scone', 1, '2500')
        pos.display.wait_text('Scone')
        pos.display.wait_text('₩5,500')
        pos.cashier_kept_keyboard()
    finally:
        pos.cleanup()


def test_korean():
    pos = CustomerPos(language='ko')
    try:
        display = pos.display
        assert display.title == '카카오페이 POS — 고객 화면', display.title
        display.wait_text('어서오세요')
        pos.add_line('Americano', 2, '4,500')
        display.wait_text('9,000원')
        display.wait_text('부가세 818원 포함')
        pos.key('ctrl+Return', to=pos.window_focus())
        display.wait_text('카카오페이로 결제하세요')
        pos.wait_text('고객 화면에 표시')
        pos.wait_state('AWAITING_CUSTOMER')
        pos.raise_window(display.title)
        url = pos.qr_in(display.acc)
        customer(url, 'pay')
        display.wait_text('감사합니다')
        pos.wait_state('APPROVED')
        pos.cashier_kept_keyboard()
    finally:
        pos.cleanup()


if __name__ == '__main__':
    sys.exit(kpui.main([
        test_sale_pc_page,
        test_sale_mobile_page,
        test_cancelled_then_back,
        test_menu_and_preferences,
        test_korean,
    ], sys.argv))
