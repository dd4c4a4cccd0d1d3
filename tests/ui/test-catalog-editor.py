#!/usr/bin/python3
# test-catalog-editor.py: the catalog editor (Product Catalog…, Ctrl+K), under Xvfb.
#
# Each case starts kakaopay-pos with --catalog (tests/ui/kpcatalog.py), opens the editor
# by keyboard, changes the catalog there as the shop owner does (typing, Tab, mnemonics,
# Enter), closes it with Escape, and then scans or looks at the Sale page: what the
# editor saved shows there at once. The store is read back from catalog.db, the sales
# from the journal.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import csv
import os
import sqlite3
import sys

import kpui
from kpcatalog import AMERICANO, CROISSANT, CatalogPos, ean13
from kpui import POS, PATIENCE, customer, no_display, run, wait_until
from kpwindows import button

BARLEY_TEA = ean13('880555000111')


class EditorPos(CatalogPos):

    def catalog_rows(self, sql, *args):
        db = sqlite3.connect('file:%s?mode=ro' % os.path.join(self.dir, 'catalog.db'),
                             uri=True)
        try:
            return [tuple(row) for row in db.execute(sql, args)]
        finally:
            db.close()

    def open_editor(self):
        """Ctrl+K from the item field: the editor, the focus in its search."""
        self.key('ctrl+k', to=self.field('Item name'))
        editor = self.wait_window('Product Catalog')
        wait_until('focus in the search', editor.field('entry', 'Search products'))
        return editor

    def close_editor(self, editor):
        """Escape: the editor closes, the item field has the focus again."""
        self.key('Escape', to=editor.whole())
        editor.wait_closed()
        wait_until('focus on the item field', self.field('Item name'))

    def new_product(self, editor, name, price, barcode=None):
        """Ctrl+N in the editor, the fields typed; returns the dialog, not saved yet."""
        self.key('ctrl+n', to=editor.whole())
        dialog = self.wait_window('New Product')
        self.type(name, into=dialog.field('text', 'Name'))
        self.key('Tab', to=dialog.field('text', 'Name'))
        self.type(price, into=dialog.field('text', 'Price'))
        if barcode is not None:
            self.key('alt+b', to=dialog.field('text', 'Price'))
            self.type(barcode, into=dialog.field('text', 'New barcode'))
            self.key('Return', to=dialog.field('text', 'New barcode'))
            dialog.wait_text(barcode)
        return dialog

    def quick_key_order(self, category_names):
        """The quick keys among @category_names, in the order the Sale page shows them."""
        return [label for role, label, focused, acc in self.widgets()
                if role == 'push button' and label in category_names]


def test_add_product_then_scan():
    # A product added in the editor, with a barcode: scanned on the Sale page at once.
    pos = EditorPos()
    try:
        editor = pos.open_editor()
        editor.wait_text('24 products.')
        dialog = pos.new_product(editor, 'Barley Tea', '2,000', BARLEY_TEA)
        pos.key('alt+s', to=dialog.field('text', 'New barcode'))
        dialog.wait_closed()
        editor.wait_text('25 products.')
        assert pos.catalog_rows(
            'SELECT p.name, p.price, b.barcode FROM products p JOIN barcodes b'
            ' ON b.product_id = p.id WHERE p.name = ?', 'Barley Tea') == [
                ('Barley Tea', 2000, BARLEY_TEA)]
        pos.close_editor(editor)

        pos.scan(BARLEY_TEA)
        pos.wait_text('Charge ₩2,000')
        sale, lines = pos.charge_lines()
        assert lines == [('Barley Tea', 1, 2000, 0)], lines
        assert sale['item_name'] == 'Barley Tea', sale
    finally:
        pos.cleanup()


def test_price_change_keeps_past_sale():
    # A sale at the old price, then the price edited: the next scan rings up the new
    # price on a new line, and the journal keeps what the first sale sold.
    pos = EditorPos()
    try:
        pos.scan(AMERICANO)
        pos.wait_text('Charge ₩4,500')
        pos.key('ctrl+Return', to=pos.window_focus())
        customer(pos.qr(), 'pay', 'MONEY')
        pos.wait_text('Payment Approved')
        first = wait_until('the approved sale', lambda: pos.sales()[-1]['state'] == 'APPROVED'
                           and pos.sales()[-1])
        pos.key('Return', to=button(pos, 'New Sale (Enter)'))
        pos.wait_text('Charge ₩0')

        editor = pos.open_editor()
        editor.wait_text('아메리카노')
        # Down into the list (아메리카노 came first), Enter: its dialog.
        pos.key('Down', to=editor.field('entry', 'Search products'))
        pos.key('Return', to=editor.field('list item', '아메리카노'))
        dialog = pos.wait_window('Edit Product')
        pos.key('alt+p', to=dialog.field('text', 'Name'))
        pos.key('ctrl+a', to=dialog.field('text', 'Price'))
        pos.type('5200', into=dialog.field('text', 'Price'))
        pos.key('Return', to=dialog.field('text', 'Price'))
        dialog.wait_closed()
        editor.wait_text('₩5,200')
        pos.close_editor(editor)

        pos.scan(AMERICANO)
        pos.wait_text('Charge ₩5,200')
        sale, lines = pos.charge_lines()
        assert lines == [('아메리카노', 1, 5200, 0)], lines
        assert sale['total_amount'] == 5200, sale
        past = pos.query('SELECT name, unit_price FROM sale_lines WHERE sale_id = ?',
                         first['id'])
        assert [(r['name'], r['unit_price']) for r in past] == [('아메리카노', 4500)], past
        assert pos.sales()[0]['total_amount'] == 4500
    finally:
        pos.cleanup()


def test_duplicate_barcode_saves_nothing():
    # A barcode another product has: the store's error in the dialog, nothing saved.
    pos = EditorPos()
    try:
        editor = pos.open_editor()
        editor.wait_text('24 products.')
        dialog = pos.new_product(editor, 'Copy', '1000', CROISSANT)
        pos.key('alt+s', to=dialog.field('text', 'New barcode'))
        message = 'Another product already has the barcode %s.' % CROISSANT
        wait_until('the error', lambda: dialog.alert() == message)
        assert not dialog.closed()
        assert pos.catalog_rows('SELECT count(*) FROM products WHERE name = ?', 'Copy') == [(0,)]
        assert pos.catalog_rows('SELECT p.name FROM barcodes b JOIN products p'
                                ' ON p.id = b.product_id WHERE b.barcode = ?',
                                CROISSANT) == [('크루아상',)]
        pos.key('Escape', to=dialog.whole())
        dialog.wait_closed()
        pos.close_editor(editor)
        # The croissant still scans as the croissant.
        pos.scan(CROISSANT)
        pos.wait_text('Charge ₩3,800')
    finally:
        pos.cleanup()


def test_reorder_quick_keys():
    # The bread keys reordered on the Quick Keys page: the Sale page shows the new order.
    pos = EditorPos()
    try:
        breads = ('크루아상', '우유 식빵')
        wait_until('the bread keys', lambda: pos.quick_key_order(breads) == list(breads))
        editor = pos.open_editor()
        pos.key('alt+2', to=editor.whole())
        down = editor.field('push button', 'Move “크루아상” down')
        pos.key('Return', to=down)
        # The focus stays with the key that moved: now last, only Up is left.
        wait_until('focus on its Up', editor.field('push button', 'Move “크루아상” up'))
        assert pos.catalog_rows('SELECT name, quick_key FROM products WHERE category = ?'
                                ' ORDER BY quick_key', '빵') == [('우유 식빵', 1), ('크루아상', 2)]
        wait_until('the new order', lambda: pos.quick_key_order(breads) == list(reversed(breads)))
        pos.close_editor(editor)
        assert pos.quick_key_order(breads) == list(reversed(breads))
        pos.click(pos.quick_key('크루아상'))
        pos.wait_text('Charge ₩3,800')
    finally:
        pos.cleanup()


def test_import_elsewhere():
    # kakaopay-pos --import-catalog run while the window is open: once the window is in
    # front again, the new product scans.
    pos = EditorPos()
    try:
        path = os.path.join(pos.catalog_dir, 'more.csv')
        with open(path, 'w', newline='', encoding='utf-8') as f:
            out = csv.writer(f)
            out.writerow(['name', 'price', 'tax_free', 'barcodes', 'category', 'quick_key'])
            out.writerow(['Barley Tea', '2000', '0', BARLEY_TEA, '', ''])
        done = run([POS, '--journal', pos.journal, '--import-catalog', path],
                   env=no_display(pos.env), check=True, timeout=PATIENCE,
                   capture_output=True, text=True)
        assert '1 added, 0 changed' in done.stdout, done.stdout
        # Away and back: the editor opened and closed.
        editor = pos.open_editor()
        pos.close_editor(editor)
        pos.scan(BARLEY_TEA)
        pos.wait_text('Charge ₩2,000')
        assert pos.error_text() is None, pos.error_text()
    finally:
        pos.cleanup()


if __name__ == '__main__':
    sys.exit(kpui.main([
        test_add_product_then_scan,
        test_price_change_keeps_past_sale,
        test_duplicate_barcode_saves_nothing,
        test_reorder_quick_keys,
        test_import_elsewhere,
    ], sys.argv))
