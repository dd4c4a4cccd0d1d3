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
import sys

import kpui
from kpcatalog import AMERICANO, BURST, CROISSANT, UNKNOWN, CatalogPos, burst
from kpui import wait_until


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
