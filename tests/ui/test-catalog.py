#!/usr/bin/python3
# test-catalog.py: the product catalog on the Sale page, under Xvfb.
#
# Each case starts kakaopay-pos with --catalog (a CSV of Korean products with EAN-13
# barcodes and quick keys), scans with xdotool as a keyboard-wedge scanner does (digits
# and Return, 5 ms apart), searches, clicks quick keys, charges, and reads the lines
# the journal kept for the sale.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import csv
import os
import sqlite3
import sys
import tempfile

import kpui
from kpui import Focus, Pos, extents, run, wait_until
from kpwindows import WindowsMixin

import gi
gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402


def ean13(first12):
    """@first12 with its EAN-13 check digit."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


AMERICANO = ean13('880123456789')
CROISSANT = ean13('880765432101')
UNKNOWN = ean13('880999999999')
# Twenty products for a burst of scans: 상품 01 … 상품 20, ₩1,010 … ₩1,200.
BURST = [('상품 %02d' % n, 1000 + 10 * n, ean13('8809000000%02d' % n)) for n in range(1, 21)]


def write_catalog(path):
    with open(path, 'w', newline='', encoding='utf-8') as f:
        out = csv.writer(f)
        out.writerow(['name', 'price', 'tax_free', 'barcodes', 'category', 'quick_key'])
        out.writerow(['아메리카노', '4500', '0', AMERICANO, '커피', ''])
        out.writerow(['카페라떼', '5000', '0', '', '커피', '1'])
        out.writerow(['크루아상', '3800', '0', CROISSANT, '빵', '1'])
        out.writerow(['우유 식빵', '4200', '1', '', '빵', '2'])
        for name, price, code in BURST:
            out.writerow([name, str(price), '0', code, '', ''])


def burst(codes):
    """What a keyboard-wedge scanner sends: each code's digits and Return, 5 ms apart,
    one code straight after the other (one xdotool, so nothing waits in between)."""
    if len(codes) == 1:
        run(['xdotool', 'type', '--delay', '5', codes[0]], check=True)
        run(['xdotool', 'key', 'Return'], check=True)
        return
    keys = []
    for code in codes:
        keys += list(code) + ['Return']
    run(['xdotool', 'key', '--delay', '5'] + keys, check=True)


class CatalogPos(WindowsMixin, Pos):
    """Pos started with a catalog of its own."""

    def __init__(self, language='en'):
        self.catalog_dir = tempfile.mkdtemp(prefix='kp-catalog-')
        path = os.path.join(self.catalog_dir, 'catalog.csv')
        write_catalog(path)
        super().__init__(['--catalog', path], language=language)
        wait_until('focus on the item field', self.field('Item name'))

    def cleanup(self):
        super().cleanup()
        for name in os.listdir(self.catalog_dir):
            os.unlink(os.path.join(self.catalog_dir, name))
        os.rmdir(self.catalog_dir)

    def scan(self, *codes):
        """A scanner's burst: each code's digits and Return, 5 ms apart."""
        self.expect_focus(self.field('Item name'), 'scanning')
        burst(codes)

    def item_text(self):
        for role, name, focused, acc in self.widgets():
            if role == 'text' and name == self._('Item name'):
                return Atspi.Text.get_text(acc, 0, Atspi.Text.get_character_count(acc))
        return None

    def quick_key(self, name):
        for role, label, focused, acc in self.widgets():
            if role == 'push button' and label == name:
                return acc
        return None

    def click(self, acc):
        x, y, width, height = extents(acc)
        run(['xdotool', 'mousemove', str(x + width // 2), str(y + height // 2),
             'click', '1'], check=True)

    def import_catalog(self, path, title):
        """Import Product Catalog… from the main menu, @path typed into the file
        chooser; returns the preview dialog titled @title."""
        self.key('F10', to=self.field('Item name'))
        item = wait_until('the menu’s Import Product Catalog', lambda: next(
            (acc for role, name, focused, acc in self.widgets()
             if role == 'menu item' and 'Import Product Catalog' in name), None))
        Atspi.Action.do_action(item, 0)
        # GTK 4.8 names the file chooser's window a "filler", never the active one.
        chooser = self.wait_window('Import Product Catalog', active=False)
        in_chooser = Focus('the file chooser',
                           lambda: kpui.first_focused(chooser.acc) is not None)
        self.expect_focus(in_chooser, 'typing the file name')
        run(['xdotool', 'type', '--delay', '15', path], check=True)
        self.key('Return', to=in_chooser)
        return self.wait_window(title, role='dialog')

    def catalog_names(self):
        db = sqlite3.connect('file:%s?mode=ro' % os.path.join(self.dir, 'catalog.db'),
                             uri=True)
        try:
            return sorted(row[0] for row in db.execute('SELECT name FROM products'))
        finally:
            db.close()

    def charge_lines(self):
        """Charges the cart and returns the sale and its lines as the journal has them."""
        self.key('ctrl+Return', to=self.window_focus())
        sale = self.wait_state('AWAITING_CUSTOMER')
        lines = self.query('SELECT name, quantity, unit_price, tax_free, amount FROM sale_lines '
                           'WHERE sale_id = ? ORDER BY position', sale['id'])
        return sale, [(line['name'], line['quantity'], line['unit_price'], line['tax_free'])
                      for line in lines]


def test_scan_known():
    # A known barcode adds one of its product; the ready request names it.
    pos = CatalogPos()
    try:
        pos.scan(AMERICANO)
        pos.wait_text('Charge ₩4,500')
        wait_until('the item field empty', lambda: pos.item_text() == '')
        assert pos.focused() == ('text', 'Item name'), pos.focused()
        sale, lines = pos.charge_lines()
        assert lines == [('아메리카노', 1, 4500, 0)], lines
        assert sale['item_name'] == '아메리카노', sale['item_name']
        assert sale['total_amount'] == 4500 and sale['quantity'] == 1, sale
    finally:
        pos.cleanup()


def test_scan_twice():
    # The same product scanned again: one line, one more of it, also when the scan
    # comes into the middle of some typing (which stays).
    pos = CatalogPos()
    try:
        pos.scan(AMERICANO)
        pos.wait_text('Charge ₩4,500')
        pos.type('Wat', into=pos.field('Item name'))
        pos.scan(AMERICANO)
        pos.wait_text('Charge ₩9,000')
        wait_until('the typing kept', lambda: pos.item_text() == 'Wat')
        pos.key('ctrl+a', 'BackSpace', to=pos.field('Item name'))
        wait_until('the item field empty', lambda: pos.item_text() == '')
        sale, lines = pos.charge_lines()
        assert lines == [('아메리카노', 2, 4500, 0)], lines
        assert sale['item_name'] == '아메리카노' and sale['total_amount'] == 9000, sale
    finally:
        pos.cleanup()


def test_scan_unknown():
    # An unknown barcode is named, adds nothing, and the next scan still counts.
    pos = CatalogPos()
    try:
        pos.scan(UNKNOWN)
        wait_until('the message', lambda: pos.error_text() == 'Unknown barcode ' + UNKNOWN)
        wait_until('the item field empty', lambda: pos.item_text() == '')
        assert pos.focused() == ('text', 'Item name'), pos.focused()
        pos.scan(CROISSANT)
        pos.wait_text('Charge ₩3,800')
        sale, lines = pos.charge_lines()
        assert lines == [('크루아상', 1, 3800, 0)], lines
    finally:
        pos.cleanup()


def test_scan_unknown_korean():
    # The message in the cashier's language.
    pos = CatalogPos(language='ko')
    try:
        pos.scan(UNKNOWN)
        wait_until('the message', lambda: pos.error_text() == '알 수 없는 바코드 ' + UNKNOWN)
        wait_until('the item field empty', lambda: pos.item_text() == '')
    finally:
        pos.cleanup()


def test_scan_burst():
    # Twenty different products as fast as a scanner sends them, and one of them again:
    # every code its own line, none lost, none merged.
    pos = CatalogPos()
    try:
        codes = [code for name, price, code in BURST] + [BURST[4][2]]
        total = sum(price for name, price, code in BURST) + BURST[4][1]
        pos.scan(*codes)
        pos.wait_text('Charge ₩{:,}'.format(total))
        wait_until('the item field empty', lambda: pos.item_text() == '')
        assert pos.error_text() is None, pos.error_text()
        sale, lines = pos.charge_lines()
        expected = [(name, 2 if n == 4 else 1, price, 0)
                    for n, (name, price, code) in enumerate(BURST)]
        assert lines == expected, lines
        assert sale['total_amount'] == total and sale['quantity'] == 21, sale
        assert sale['item_name'] == '상품 01 and 19 more', sale['item_name']
    finally:
        pos.cleanup()


def test_quick_key():
    # The quick keys show by category; a click adds one and the keyboard goes back to
    # the item field.
    pos = CatalogPos()
    try:
        pos.wait_text('커피')
        pos.wait_text('빵')
        assert pos.quick_key('아메리카노') is None  # no quick key of its own
        key = wait_until('the quick key', lambda: pos.quick_key('우유 식빵'))
        pos.click(key)
        pos.wait_text('Charge ₩4,200')
        pos.click(pos.quick_key('카페라떼'))
        pos.wait_text('Charge ₩9,200')
        pos.click(pos.quick_key('카페라떼'))
        pos.wait_text('Charge ₩14,200')
        wait_until('focus on the item field', pos.field('Item name'))
        sale, lines = pos.charge_lines()
        assert lines == [('우유 식빵', 1, 4200, 1), ('카페라떼', 2, 5000, 0)], lines
        assert sale['tax_free_amount'] == 4200, sale
    finally:
        pos.cleanup()


def test_search_initials():
    # ㅇㅁㄹ offers 아메리카노; Down and Return add it. A name that matches nothing is
    # a free line, as ever.
    pos = CatalogPos()
    try:
        # One letter at a time: xdotool maps each letter outside the keyboard's layout
        # to a spare key of its own, and a key mapped again too soon can be lost.
        typed = ''
        for letter in 'ㅇㅁㄹ':
            typed += letter
            pos.type(letter, into=pos.field('Item name'))
            wait_until(typed + ' typed', lambda: pos.item_text() == typed)
        wait_until('the suggestion', lambda: pos.has_text('아메리카노'))
        pos.key('Down', 'Return', to=pos.field('Item name'))
        pos.wait_text('Charge ₩4,500')
        wait_until('the item field empty', lambda: pos.item_text() == '')

        pos.type('Water', into=pos.field('Item name'))
        pos.key('Return', to=pos.field('Item name'))
        pos.type('1000', into=pos.field('Unit price'))
        pos.key('Return', to=pos.field('Unit price'))
        pos.wait_text('Charge ₩5,500')
        sale, lines = pos.charge_lines()
        assert lines == [('아메리카노', 1, 4500, 0), ('Water', 1, 1000, 0)], lines
    finally:
        pos.cleanup()


def test_scan_while_paying():
    # The customer is paying: a scan leaves the frozen cart as it is.
    pos = CatalogPos()
    try:
        pos.scan(CROISSANT)
        pos.wait_text('Charge ₩3,800')
        sale, lines = pos.charge_lines()
        pos.expect_focus(pos.window_focus(), 'scanning')
        burst([AMERICANO])
        pos.cancel_payment()
        pos.wait_text('Charge ₩3,800')
        wait_until('focus on the item field', pos.field('Item name'))
        assert not pos.has_text('Charge ₩8,300')
        sale, lines = pos.charge_lines()
        assert lines == [('크루아상', 1, 3800, 0)], lines
    finally:
        pos.cleanup()


def test_import_preview_rejects():
    # Import Product Catalog… from the menu: a file with a bad row is previewed, its
    # reason shown, and nothing changes; a good one is added.
    pos = CatalogPos()
    try:
        bad = os.path.join(pos.catalog_dir, 'bad.csv')
        with open(bad, 'w', newline='', encoding='utf-8') as f:
            out = csv.writer(f)
            out.writerow(['name', 'price', 'tax_free', 'barcodes', 'category', 'quick_key'])
            out.writerow(['보리차', '2000', '0', '', '음료', '1'])
            out.writerow(['공짜', '0', '0', '', '', ''])
        good = os.path.join(pos.catalog_dir, 'good.csv')
        with open(good, 'w', newline='', encoding='utf-8') as f:
            out = csv.writer(f)
            out.writerow(['name', 'price', 'tax_free', 'barcodes', 'category', 'quick_key'])
            out.writerow(['보리차', '2000', '0', '', '음료', '1'])
        before = pos.catalog_names()

        dialog = pos.import_catalog(bad, 'Nothing Can Be Imported')
        dialog.wait_text('Row 3 rejected')
        assert dialog.has_text('1 to add'), dialog.texts()
        pos.key('Return', to=dialog.default_button())
        dialog.wait_closed()
        assert pos.catalog_names() == before, pos.catalog_names()
        assert pos.quick_key('보리차') is None

        # A good file: Import (the default) adds it, and its quick key shows.
        dialog = pos.import_catalog(good, 'Import the Catalog?')
        assert dialog.has_text('1 to add, 0 to change'), dialog.texts()
        pos.key('Return', to=dialog.default_button())
        dialog.wait_closed()
        wait_until('the new quick key', lambda: pos.quick_key('보리차'))
        assert pos.catalog_names() == sorted(before + ['보리차']), pos.catalog_names()
    finally:
        pos.cleanup()


if __name__ == '__main__':
    sys.exit(kpui.main([
        test_scan_known,
        test_scan_twice,
        test_scan_unknown,
        test_scan_unknown_korean,
        test_scan_burst,
        test_quick_key,
        test_search_initials,
        test_scan_while_paying,
        test_import_preview_rejects,
    ], sys.argv))
