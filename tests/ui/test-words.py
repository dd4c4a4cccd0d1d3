#!/usr/bin/python3
# test-words.py: what the cashier reads, end to end, under Xvfb: messages that say
# what to do, the completed sale, refunded items, and the Korean wording.
#
# It runs itself in a clean session of its own (kpui.session) and starts its own Xvfb.
# Each case starts kakaopay-pos with a fresh journal, types like a cashier (xdotool),
# plays the customer's phone over HTTP, and checks the screen (AT-SPI: texts and
# geometry) and the journal (SQLite).
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import socket
import tempfile
import time
import sys

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

import kpui  # noqa: E402
from kpui import Pos, covering_charge, customer, extents, wait_until, within  # noqa: E402
from kpwindows import WindowsMixin, amount, button, refund_window  # noqa: E402


class WordsPos(WindowsMixin, Pos):
    """Pos, reading the program's dialogs too."""


def closed_port():
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def unreachable_pos(language='en'):
    """kakaopay-pos whose KakaoPay address refuses every connection."""
    key_dir = tempfile.mkdtemp(prefix='kp-key-')
    key_file = os.path.join(key_dir, 'secret')
    # The program refuses a secret key file other users can read.
    with open(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w') as f:
        f.write('DEV0123456789ABCDEF\n')
    return WordsPos(['--api-base', 'http://127.0.0.1:%d' % closed_port(),
                     '--secret-key-file', key_file, '--cid', 'TC0ONETIME'],
                    sandbox=False, language=language)


def test_unreachable_says_what_to_do():
    """KakaoPay cannot be reached: the message says what to do, the system's own text
    waits behind Details, and nothing covers the Charge button."""
    pos = unreachable_pos()
    try:
        pos.add_line('Americano', 2, '4,500')
        pos.wait_text('Charge ₩9,000')
        pos.key('ctrl+Return', to=pos.window_focus())
        pos.wait_text('KakaoPay cannot be reached. Check the internet connection, then '
                      'press Charge again.')
        pos.wait_state('READY_FAILED')
        shown = ' '.join(pos.texts())
        for raw in ('Connection refused', '127.0.0.1', 'Could not connect'):
            assert raw not in shown, (raw, pos.texts())
        # Whatever pops up stays off the Charge button, for as long as it shows.
        for _ in range(10):
            covered = covering_charge(pos)
            assert not covered, covered
            time.sleep(0.05)
        # The system's reason, for whoever fixes the network: behind Details.
        wait_until('focus on the item field', pos.field('Item name'))
        pos.key('alt+d', to=pos.field('Item name'))
        wait_until('the details', lambda: any('127.0.0.1' in t for t in pos.texts()))
        assert any('Connection refused' in t or 'connect' in t.lower() for t in pos.texts()), \
            pos.texts()
    finally:
        pos.cleanup()


def test_retries_are_one_sale():
    """Charge pressed again and again while KakaoPay cannot be reached: one sale in the
    history, its attempts linked in the journal and told in its event log."""
    pos = unreachable_pos()
    try:
        pos.add_line('Americano', 2, '4,500')
        pos.wait_text('Charge ₩9,000')
        for attempt in range(1, 4):
            pos.key('ctrl+Return', to=pos.window_focus())
            wait_until('attempt %d to fail' % attempt,
                       lambda: len(pos.sales()) == attempt and
                       pos.sales()[-1]['state'] == 'READY_FAILED')
            wait_until('the cart back', lambda: pos.has_text('Charge ₩9,000'))
        sales = pos.sales()
        orders = [sale['partner_order_id'] for sale in sales]
        assert [sale['retry_of'] for sale in sales] == [None, orders[0], orders[1]], sales

        pos.key('ctrl+h', to=pos.window_focus())
        pos.wait_text('1 sale')
        assert pos.has_text(orders[2]), pos.texts()
        assert orders[0] not in pos.texts() and orders[1] not in pos.texts(), pos.texts()

        # The sale's event log tells the attempts before it.
        pos.key('ctrl+f', to=pos.window_focus())
        entry = pos.field('Search sales', 'entry')
        wait_until('focus on the search', entry)
        pos.type(orders[2], into=entry)
        pos.wait_text('Charged again after order %s could not start' % orders[1])
    finally:
        pos.cleanup()


def label(pos, text):
    """The accessible of the label on screen showing exactly @text."""
    for role, name, focused, acc in pos.widgets():
        if role == 'label' and name == text:
            return acc
    return None


def pay(pos, lines, method):
    for name, quantity, price in lines:
        pos.add_line(name, quantity, price)
    wait_until('the lines', lambda: pos.has_text(lines[-1][0]))
    pos.key('ctrl+Return', to=pos.window_focus())
    url = pos.qr()
    customer(url, 'pay', method)
    pos.wait_text(pos._('Payment Approved'))
    return pos.wait_state('APPROVED')


def check_done_page(pos, amount, items, method, time_format):
    # The amount, large: at least twice the height of the items' lines.
    amount_acc = wait_until('the amount', lambda: label(pos, amount))
    item_acc = wait_until('the items', lambda: label(pos, items[0][0]))
    assert extents(amount_acc)[3] >= 2 * extents(item_acc)[3], \
        (extents(amount_acc), extents(item_acc))
    # Each item with its quantity and amount.
    for name, each, total in items:
        assert label(pos, name) is not None, (name, pos.texts())
        assert label(pos, each) is not None, (each, pos.texts())
        assert label(pos, total) is not None, (total, pos.texts())
    assert any(re.fullmatch(method, t) for t in pos.texts()), (method, pos.texts())
    assert any(re.fullmatch(time_format, t) for t in pos.texts()), pos.texts()
    assert pos.has_text(pos._('Press Enter to start the next sale.')), pos.texts()


def test_completed_sale_page():
    """The completed sale fills the window: amount, items, method and time of approval,
    and how to go on."""
    pos = WordsPos()
    try:
        sale = pay(pos, [('Americano', 2, '4,500'), ('Cookie', 1, '1500')], 'MONEY')
        check_done_page(pos, '₩10,500',
                        [('Americano', '2 × ₩4,500', '₩9,000'), ('Cookie', '1 × ₩1,500', '₩1,500')],
                        'KakaoPay Money', r'Approved at \d\d:\d\d:\d\d')
        assert pos.has_text(sale['aid']), pos.texts()
        # Enter goes on to the next sale.
        pos.key('Return', to=button(pos, 'New Sale (Enter)'))
        pos.wait_text('Charge ₩0')
    finally:
        pos.cleanup()


def test_completed_sale_page_korean():
    pos = WordsPos(language='ko')
    try:
        pay(pos, [('Americano', 2, '4,500')], 'CARD')
        check_done_page(pos, '9,000원', [('Americano', '2 × 4,500원', '9,000원')],
                        r'카드( · .+)? · 일시불',
                        r'\d\d:\d\d:\d\d 승인')
        assert not pos.has_text('(Enter) (Enter)') and not pos.has_text(') ('), pos.texts()
    finally:
        pos.cleanup()


def widget_named(window, fragment):
    for role, name, focused, acc in window.widgets():
        if fragment in name and role != 'label':
            return acc
    raise AssertionError('no “%s” in %s' % (fragment, [w[:2] for w in window.widgets()]))


def test_refund_by_items_quiet_and_still():
    """Choosing "By items" is not a mistake, and an error shows without moving the
    form under the cashier's eyes."""
    pos = WordsPos()
    try:
        pay(pos, [('Americano', 2, '4,500'), ('Cookie', 1, '1500')], 'MONEY')
        pos.key('alt+r', to=pos.window_focus())
        window = refund_window(pos)
        full = widget_named(window, 'Full refund')
        top = extents(full)[1]

        pos.key('alt+i', to=window.whole())
        wait_until('focus on the first item', window.field('spin button', 'Americano'))
        assert window.alert() is None, window.alert()
        assert extents(full)[1] == top, (extents(full), top)

        # A real mistake is shown, in the room kept for it.
        pos.key('alt+a', to=window.whole())
        wait_until('focus on the amount', amount(window))
        pos.type('abc', into=amount(window))
        alert = wait_until('the hint', window.alert)
        assert 'Enter the amount to refund' in alert, alert
        assert extents(full)[1] == top, (extents(full), top)
        pos.key('Escape', to=window.whole())
        window.wait_closed()
    finally:
        pos.cleanup()


def breaks_inside_words(acc):
    """Where the text of label @acc wraps to a new line in the middle of a word."""
    text = acc.get_name()
    bad = []
    offset = 0
    while offset < len(text):
        line = Atspi.Text.get_string_at_offset(acc, offset, Atspi.TextGranularity.LINE)
        if line.end_offset <= offset:
            break
        end = line.end_offset
        if end < len(text) and not text[end - 1].isspace() and not text[end].isspace():
            bad.append(text[:end] + '/' + text[end:])
        offset = end
    return bad


def local_refund_window(pos):
    """The refund window in the program's language, the focus in its amount."""
    window = pos.wait_window(pos._('Refund'), role='frame')
    wait_until('focus on the amount', window.field('text', pos._('Amount to refund')))
    return window


def refund_one_milk(pos):
    """On the completed sale of MILK_BREAD: Alt+R, by items, one milk, confirmed."""
    pos.key('alt+r', to=pos.window_focus())
    window = local_refund_window(pos)
    pos.key('alt+i', to=window.whole())
    milk = window.field('spin button', 'Milk')
    wait_until('focus on the milk', milk)
    pos.key('ctrl+a', to=milk)
    pos.type('1', into=milk)
    pos.key('Tab', to=milk)
    money = '₩2,000' if pos.language == 'en' else '2,000원'
    window.wait_text(pos._('%s goes back to the customer’s KakaoPay.').split('%s')[0])
    pos.key('alt+r', to=window.whole())
    dialog = pos.wait_window(pos._('Refund %s?') % money, role='dialog')
    heading = [acc for role, name, focused, acc in dialog.widgets()
               if role == 'label' and name == dialog.title]
    assert heading, dialog.texts()
    assert not breaks_inside_words(heading[0]), breaks_inside_words(heading[0])
    texts = dialog.texts()
    pos.key('alt+r', to=dialog.default_button())
    dialog.wait_closed()
    window.wait_closed()
    return texts


MILK_BREAD = [('Milk', 2, '2000'), ('Bread', 1, '3300')]


def open_in_history(pos, order):
    pos.key('Return', to=button(pos, pos._('_New Sale (Enter)').replace('_', '')))
    pos.key('ctrl+f', to=pos.window_focus())
    entry = pos.field('Search sales', 'entry')
    wait_until('focus on the search', entry)
    pos.type(order, into=entry)
    pos.wait_text(pos._('Order %s') % order)


def test_refunded_items_in_the_sale():
    """The sale's history says which items went back, and its lines how many."""
    pos = WordsPos()
    try:
        order = pay(pos, MILK_BREAD, 'MONEY')['partner_order_id']
        refund_one_milk(pos)
        pos.wait_text('₩2,000 refunded in total.')
        open_in_history(pos, order)
        pos.wait_text('Items: 1 × Milk')
        pos.wait_text('2 × ₩2,000 · 1 of 2 refunded')
        assert not pos.has_text('of 1 refunded'), pos.texts()
        # The event log in words: no KRW, no KakaoPay status names.
        pos.wait_text('Refund of ₩2,000')
        for raw in ('KRW', 'order: ', '-R1'):
            assert not pos.has_text(raw), (raw, pos.texts())
    finally:
        pos.cleanup()


def test_korean_refund_words():
    """In Korean: the particle that fits the amount, titles that wrap between words,
    the refunded items, and the event log in words."""
    pos = WordsPos(language='ko')
    try:
        order = pay(pos, MILK_BREAD, 'MONEY')['partner_order_id']
        texts = refund_one_milk(pos)
        assert '2,000원이 고객의 카카오페이로 환불됩니다.' in ' '.join(texts), texts
        assert not any('(를)' in t or '(가)' in t for t in texts), texts
        assert any('면세액' in t for t in texts), texts
        open_in_history(pos, order)
        pos.wait_text('품목: 1 × Milk')
        pos.wait_text('2개 중 1개 환불')
        pos.wait_text('2,000원 환불')
        for raw in ('KRW', 'order: ', 'cancelled by the cashier'):
            assert not pos.has_text(raw), (raw, pos.texts())
    finally:
        pos.cleanup()


def test_korean_api_choice_not_cut():
    """The API drop-down of the preferences shows its whole value in Korean, not "온…"."""
    pos = WordsPos(language='ko')
    try:
        pos.key('ctrl+comma', to=pos.window_focus())
        prefs = pos.wait_window(pos._('Preferences'), role='frame')
        tab = wait_until('the KakaoPay tab', lambda: [
            acc for role, name, focused, acc in prefs.widgets()
            if role == 'page tab' and name == pos._('KakaoPay')])[0]
        Atspi.Action.do_action(tab, 0)

        def value():
            for role, name, focused, acc in prefs.widgets():
                if role == 'combo box' and name == 'API':
                    for child_role, child_name, f, child in prefs.widgets():
                        if child_role == 'label' and child_name == '온라인' and \
                                within(child, acc) and extents(child)[2] > 0:
                            return child
            return None
        shown = wait_until('the API choice on screen', value)
        # Hangul letters are all as wide: the tab's title tells how wide, in this font.
        reference = [acc for role, name, focused, acc in prefs.widgets()
                     if role == 'label' and name == pos._('KakaoPay') and extents(acc)[2] > 0][0]
        per_letter = extents(reference)[2] / len(pos._('KakaoPay'))
        needed = per_letter * len('온라인')
        assert extents(shown)[2] >= needed - 2, (extents(shown), needed)
    finally:
        pos.cleanup()


def main():
    return kpui.main([
        test_unreachable_says_what_to_do,
        test_retries_are_one_sale,
        test_completed_sale_page,
        test_completed_sale_page_korean,
        test_refund_by_items_quiet_and_still,
        test_refunded_items_in_the_sale,
        test_korean_refund_words,
        test_korean_api_choice_not_cut,
    ], sys.argv)


if __name__ == '__main__':
    sys.exit(main())
