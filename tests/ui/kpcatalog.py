# kpcatalog.py: kakaopay-pos started with a catalog of its own (--catalog), for the
# catalog's ui tests: its products, a keyboard-wedge scanner's bursts, the quick keys.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import csv
import os
import sqlite3
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
