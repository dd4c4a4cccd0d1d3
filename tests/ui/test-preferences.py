#!/usr/bin/python3
# test-preferences.py: the preferences window, the keyring and settings applied without
# a restart, under Xvfb.
#
# It runs itself in a clean session of its own (kpui.session: a private session bus, a
# temporary home) and starts its own Xvfb and a throwaway, unlocked gnome-keyring
# (files in a temporary home), so the user's keyring is never reached.
# KakaoPay is a separate `kakaopay-sandbox` process (KP_SANDBOX); the relay case runs
# a `kakaopay-relay` process (KP_RELAY). Settings live in a keyfile (GSETTINGS_BACKEND
# =keyfile) that the test reads to check that no secret lands there.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile

import gi

import kpui
from kpui import child_env, customer, do_action, stop, wait_until
import kpprefs
from kpprefs import SCHEMA, PrefsPos, assert_no_secret, keyring, keyring_clear
from kpprinter import Printer, closed_port
from kpwindows import button

gi.require_version('Secret', '1')
from gi.repository import Secret  # noqa: E402

BUILD = os.path.dirname(os.path.dirname(kpui.POS))
SANDBOX = os.environ.get('KP_SANDBOX') or os.path.join(BUILD, 'sandbox', 'kakaopay-sandbox')
# Unset where kakaopay-relay is not built (-Drelay=disabled): its cases are skipped.
RELAY = os.environ.get('KP_RELAY')


# -- KakaoPay and the relay as separate processes --

class Server:
    def __init__(self, argv, prefix):
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.proc = subprocess.Popen(argv(self.dir), stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, env=child_env())
        seen = ''
        match = None
        while match is None:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError('%s did not start: %s' % (argv(self.dir)[0], seen))
            seen += line
            match = re.search(r'listening on (http://\S+)', line)
        self.url = match.group(1).rstrip('/')

    def close(self):
        stop(self.proc)
        self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)


# A shop's own CID (not one of KakaoPay's TC… test CIDs), which the sandbox also accepts.
SHOP_CID = 'CKPOS00001'


def start_sandbox():
    key = 'DEV' + secrets.token_hex(20).upper()[:37]

    def argv(path):
        with open(os.open(os.path.join(path, 'key'), os.O_WRONLY | os.O_CREAT, 0o600),
                  'w') as f:
            f.write(key + '\n')
        return [SANDBOX, '--listen', '127.0.0.1:0', '--key-file', os.path.join(path, 'key'),
                '--cid', SHOP_CID]
    server = Server(argv, 'kp-ui-sandbox-')
    server.key = key
    return server


def start_relay(terminal, token):
    if not RELAY:
        raise kpui.Skip('kakaopay-relay is not built (-Drelay=disabled)')
    def argv(path):
        config = os.path.join(path, 'relay.conf')
        with open(os.open(config, os.O_WRONLY | os.O_CREAT, 0o600), 'w') as f:
            f.write('[relay]\nlisten=127.0.0.1:0\n\n[terminal %s]\ntoken=%s\n' % (terminal, token))
        return [RELAY, '--config', config]
    return Server(argv, 'kp-ui-relay-')


# -- the cases --

def test_shop_business_number():
    keyring_clear()
    pos = PrefsPos(sandbox=False, settings={'terminal-id': "'T1'"})
    try:
        prefs = pos.preferences()
        prefs.fill('Shop name', 'Kakao Coffee')
        wait_until('the shop name saved', lambda: pos.setting('shop-name') == "'Kakao Coffee'")

        # A wrong check digit: a clear error at the field, nothing saved.
        prefs.fill('Business registration number', '220-81-62518')
        # The error shows once the entry was refused: nothing was saved before it.
        prefs.wait_text('check digit does not match')
        assert pos.setting('shop-business-number') is None, pos.keyfile()
        prefs.fill('Business registration number', '22081625')
        prefs.wait_text('has 10 digits')
        assert pos.setting('shop-business-number') is None, pos.keyfile()

        # Without dashes: accepted, stored and shown as XXX-XX-XXXXX, the error gone.
        prefs.fill('Business registration number', '2208162517')
        wait_until('the number saved',
                   lambda: pos.setting('shop-business-number') == "'220-81-62517'")
        wait_until('the number shown with dashes',
                   lambda: prefs.text_of('Business registration number') == '220-81-62517')
        assert not prefs.has_text('check digit'), prefs.win.texts()

        prefs.fill('Phone', 'call me')
        prefs.wait_text('phone number with digits')
        prefs.fill('Phone', '02-123-4567')
        wait_until('the phone saved', lambda: pos.setting('shop-phone') == "'02-123-4567'")
    finally:
        pos.cleanup()


def test_shop_fields_save_without_enter():
    """Typing a value and leaving the field (Tab), or closing the window, saves it; an
    invalid value shows its error, is not saved, and closing with it asks first."""
    pos = PrefsPos(sandbox=False, settings={'terminal-id': "'T1'"})
    try:
        prefs = pos.preferences()
        prefs.fill('Shop name', 'Kakao Coffee', apply=False)
        acc = prefs.find('text', 'Shop name')
        pos.key('Tab', to=prefs.on_text(acc, 'the text of the field “Shop name”'))
        wait_until('the shop name saved on Tab',
                   lambda: pos.setting('shop-name') == "'Kakao Coffee'")

        # Typed, then the window closed (its Close button) without Enter or Tab: saved too.
        prefs.fill('Representative', 'Kim Minji', apply=False)
        acc = prefs.find('text', 'Representative')
        wait_until('the focus in “Representative”',
                   prefs.on_text(acc, 'the text of the field “Representative”'))
        do_action(prefs.find('push button', 'Close'), 'click')
        prefs.win.wait_closed()
        wait_until('the representative saved on closing',
                   lambda: pos.setting('shop-representative') == "'Kim Minji'")

        # Reopened: both values are there.
        pos.focus_main_window()
        prefs = pos.preferences()
        assert prefs.text_of('Shop name') == 'Kakao Coffee', prefs.text_of('Shop name')
        assert prefs.text_of('Representative') == 'Kim Minji'

        # An invalid value: its error on Tab, nothing saved; closing asks, and "Keep
        # Editing" (the default) keeps the window open.
        prefs.fill('Phone', 'call me', apply=False)
        acc = prefs.find('text', 'Phone')
        pos.key('Tab', to=prefs.on_text(acc, 'the text of the field “Phone”'))
        prefs.wait_text('phone number with digits')
        assert pos.setting('shop-phone') is None, pos.keyfile()
        pos.key('Escape', to=prefs.win.whole())
        dialog = pos.wait_window('', role='dialog')
        dialog.wait_text('Close Without Saving?')
        assert dialog.has_text('“Phone” is not valid'), dialog.texts()
        pos.key('Return', to=dialog.default_button())
        dialog.wait_closed()
        assert not prefs.win.closed()
        # Closing without saving: the window goes, the phone stays unset.
        pos.key('Escape', to=prefs.win.whole())
        dialog = pos.wait_window('', role='dialog')
        dialog.wait_text('Close Without Saving?')
        pos.key('alt+c', to=dialog.default_button())
        prefs.win.wait_closed()
        assert pos.setting('shop-phone') is None, pos.keyfile()
        assert pos.setting('shop-name') == "'Kakao Coffee'"
    finally:
        pos.cleanup()


def test_approvals_page_explains():
    """The Approvals page in plain words: the address phones will use, and a QR code a
    phone opens to see that the terminal is reachable."""
    pos = PrefsPos(sandbox=False,
                   settings={'callback-listen': "'127.0.0.1:0'", 'terminal-id': "'T1'"})
    try:
        prefs = pos.preferences()
        assert prefs.win.title == 'Preferences — TEST MODE', prefs.win.title
        prefs.page('KakaoPay')
        # Test mode: the button says what it would test.
        prefs.wait_text('Sales now use the built-in sandbox. This asks KakaoPay itself')

        prefs.page('Approvals')
        prefs.wait_text('Phones will use')
        address = wait_until('the address phones use', lambda: next(
            (t for t in prefs.win.texts() if re.fullmatch(r'http://127\.0\.0\.1:\d+', t)), None))
        texts = prefs.win.texts() + [n for r, n, f, a in prefs.win.widgets() if r == 'text']
        for jargon in ('HOST:PORT', 'base URL', 'Milliseconds', 'milliseconds'):
            assert not any(jargon in t for t in texts), (jargon, texts)
        assert prefs.has_text('Mobile page: the phone goes straight to KakaoTalk'), texts

        # The QR code on the page opens the listener's check page.
        url = pos.qr()
        assert url == address + '/check', (url, address)
        status, headers, body = kpui.http(url)
        assert status == 200, status
        assert 'This terminal is reachable' in body and '이 단말기에 연결되었습니다' in body, body
    finally:
        pos.cleanup()


def test_receipt_printer():
    """The receipt printer on the Approvals page: its address checked as typed, a test
    page to a printer that is off says so, and one to a printer that is on prints."""
    off = closed_port()
    pos = PrefsPos(sandbox=False, settings={
        'terminal-id': "'T1'", 'printer': "'tcp://127.0.0.1:%d'" % off,
        'shop-name': "'Kakao Coffee'"})
    printer = None
    try:
        prefs = pos.preferences()
        prefs.page('Approvals')
        address = 'Printer address (host or host:port)'
        wait_until('the address shown', lambda: prefs.text_of(address) == '127.0.0.1:%d' % off)

        prefs.click('Print Test Page')
        prefs.wait_text('Test page not printed: ')
        prefs.wait_text('cannot be reached')

        # Not an address: said at the field, nothing saved.
        prefs.fill(address, 'printer/one')
        prefs.wait_text('is not a printer address')
        assert pos.setting('printer') == "'tcp://127.0.0.1:%d'" % off, pos.keyfile()

        printer = Printer()
        prefs.fill(address, '127.0.0.1:%d' % printer.port)
        wait_until('the printer saved',
                   lambda: pos.setting('printer') == "'tcp://127.0.0.1:%d'" % printer.port)
        wait_until('the error gone', lambda: not prefs.has_text('is not a printer address'))
        prefs.click('Print Test Page')
        page = printer.wait_receipt(1)
        assert 'Printer test' in page and 'Kakao Coffee' in page, page
        assert '한글 인쇄 시험' in page, page
        wait_until('the earlier error gone', lambda: not prefs.has_text('Test page not printed'))

        # Typed, then the window closed without Enter: saved as the window closes.
        prefs.fill(address, 'printer.local:9101', apply=False)
        do_action(prefs.find('push button', 'Close'), 'click')
        prefs.win.wait_closed()
        wait_until('the address saved on closing',
                   lambda: pos.setting('printer') == "'tcp://printer.local:9101'")
    finally:
        pos.cleanup()
        if printer is not None:
            printer.close()


def test_live_mode_shows():
    """Real payments (a key file, KakaoPay's API): the header says LIVE, and no window
    says TEST MODE."""
    sandbox = start_sandbox()
    files = tempfile.mkdtemp(prefix='kp-ui-files-')
    key_file = os.path.join(files, 'key')
    with open(key_file, 'w') as f:
        f.write(sandbox.key + '\n')
    pos = PrefsPos(['--api-base', sandbox.url, '--secret-key-file', key_file,
                    '--cid', 'CSHOP00001', '--callback-listen', '127.0.0.1:0'],
                   sandbox=False, settings={'terminal-id': "'T1'"})
    try:
        pos.wait_text('LIVE')
        assert not pos.has_text('TEST MODE'), pos.texts()
        assert pos.frame.get_name() == 'KakaoPay POS', pos.frame.get_name()
        pos.key('ctrl+d', to=pos.window_focus())
        report = pos.wait_window('Day Report', role='frame')
        report.wait_text('Not closed')
        assert report.title == 'Day Report', report.title
        assert not report.has_text('TEST MODE'), report.texts()
    finally:
        pos.cleanup()
        sandbox.close()
        shutil.rmtree(files, ignore_errors=True)


def test_account_and_real_payments():
    keyring_clear()
    sandbox = start_sandbox()
    pos = PrefsPos(sandbox=False,
                   settings={'callback-listen': "'127.0.0.1:0'", 'terminal-id': "'T1'"},
                   extra_env={'G_MESSAGES_DEBUG': 'all'})
    try:
        assert pos.has_text('TEST MODE'), pos.texts()
        prefs = pos.preferences()
        prefs.page('KakaoPay')
        prefs.wait_text('Not set')

        # No real payments without an account: refused, with the reason.
        prefs.fill('CID (merchant code)', 'TC0ONETIME')
        wait_until('the CID saved', lambda: pos.setting('cid') == "'TC0ONETIME'")
        assert prefs.switch_on('Test mode')
        prefs.toggle('Test mode')
        prefs.wait_text('first enter the shop’s secret key')
        assert prefs.switch_on('Test mode')
        assert pos.setting('test-mode') is None

        # The API address under Advanced: the sandbox process.
        prefs.expand('Advanced')
        prefs.fill('API address (empty: KakaoPay’s own)', sandbox.url)
        wait_until('the API address saved', lambda: pos.setting('api-base') == "'%s'" % sandbox.url)

        # Test connection with a wrong key, then the right one (typed, not yet saved).
        wrong = 'DEV' + 'F' * 37
        prefs.fill('Secret key', wrong, apply=False)
        prefs.click('Test Connection')
        prefs.wait_text('rejected the secret key (-401)')
        prefs.fill('Secret key', sandbox.key, apply=False)
        prefs.click('Test Connection')
        prefs.wait_text('Connected: KakaoPay accepted the secret key and the CID')
        assert not prefs.has_text('rejected'), prefs.win.texts()

        # Nothing listens there: a network problem, not a key problem.
        prefs.fill('API address (empty: KakaoPay’s own)', 'http://127.0.0.1:9', apply=False)
        prefs.click('Test Connection')
        prefs.wait_text('Could not reach KakaoPay')
        prefs.fill('API address (empty: KakaoPay’s own)', sandbox.url, apply=False)

        # Saved: in the keyring, nowhere else.
        prefs.fill('Secret key', sandbox.key)
        prefs.wait_text('Stored')
        wait_until('the key in the keyring', lambda: keyring('secret-key') == sandbox.key)
        assert prefs.text_of('Secret key') == ''
        assert_no_secret(pos, sandbox.key)

        # KakaoPay's test CID takes no real payments: refused, with the reason.
        prefs.toggle('Test mode')
        prefs.wait_text('TC0ONETIME is KakaoPay’s test CID')
        assert prefs.switch_on('Test mode')
        assert pos.setting('test-mode') is None
        prefs.fill('CID (merchant code)', SHOP_CID)
        wait_until('the CID saved', lambda: pos.setting('cid') == "'%s'" % SHOP_CID)

        # Nor with the key sent in clear to another computer.
        prefs.fill('API address (empty: KakaoPay’s own)', 'http://192.0.2.1:9')
        wait_until('the API address saved',
                   lambda: pos.setting('api-base') == "'http://192.0.2.1:9'")
        prefs.toggle('Test mode')
        prefs.wait_text('http://192.0.2.1:9 is not encrypted')
        assert prefs.switch_on('Test mode')
        assert pos.setting('test-mode') is None
        prefs.fill('API address (empty: KakaoPay’s own)', sandbox.url)
        wait_until('the API address saved', lambda: pos.setting('api-base') == "'%s'" % sandbox.url)

        # Leaving test mode asks first; staying is the default.
        prefs.toggle('Test mode')
        dialog = pos.wait_window('', role='dialog', active=False)
        dialog.wait_text('Take Real Payments?')
        assert dialog.has_text('real money'), dialog.texts()
        assert pos.setting('test-mode') is None
        buttons = [acc for role, name, focused, acc in dialog.widgets()
                   if role == 'push button' and name.endswith('Take Real Payments')]
        do_action(buttons[0], 'click')
        wait_until('real payments saved', lambda: pos.setting('test-mode') == 'false')
        wait_until('the banner gone', lambda: not pos.has_text('TEST MODE'))
        assert not prefs.switch_on('Test mode')


        # No restart: the next sale goes to the configured API.
        do_action(prefs.find('push button', 'Close'), 'click')
        prefs.win.wait_closed()
        # Without a window manager nothing gives the main window the keyboard back.
        pos.focus_main_window(then=pos.field('Item name'))
        pos.add_line('Tea', 1, '3000')
        pos.wait_text('Charge ₩3,000')
        pos.key('ctrl+Return', to=pos.window_focus())
        url = pos.qr()
        assert url.startswith(sandbox.url), (url, sandbox.url)
        sale = pos.wait_state('AWAITING_CUSTOMER')
        assert sale['cid'] == SHOP_CID
        location, status, body = customer(url, 'pay')
        assert status == 200, (status, location)
        pos.wait_state('APPROVED')
        assert_no_secret(pos, sandbox.key)

        # With real payments, an API address in clear text is refused (loopback is fine).
        prefs = pos.preferences()
        prefs.page('KakaoPay')
        prefs.expand('Advanced')
        prefs.fill('API address (empty: KakaoPay’s own)', 'http://pay.example.com')
        prefs.wait_text('http://pay.example.com is not encrypted')
        assert pos.setting('api-base') == "'%s'" % sandbox.url

        # Back to test mode, explicitly: the embedded sandbox again, also without restart.
        prefs.toggle('Test mode')
        wait_until('test mode saved', lambda: pos.setting('test-mode') == 'true')
        wait_until('the banner back', lambda: pos.has_text('TEST MODE'))
    finally:
        pos.cleanup()
        sandbox.close()
        keyring_clear()


def leave_test_mode(pos):
    """Preferences, KakaoPay page, the switch, the confirmation: real payments."""
    prefs = pos.preferences()
    prefs.page('KakaoPay')
    prefs.wait_text('Stored')
    prefs.toggle('Test mode')
    dialog = pos.wait_window('', role='dialog', active=False)
    dialog.wait_text('Take Real Payments?')
    buttons = [acc for role, name, focused, acc in dialog.widgets()
               if role == 'push button' and name.endswith('Take Real Payments')]
    do_action(buttons[0], 'click')
    wait_until('real payments saved', lambda: pos.setting('test-mode') == 'false')
    do_action(prefs.find('push button', 'Close'), 'click')
    prefs.win.wait_closed()
    pos.focus_main_window()


def test_sale_in_flight_keeps_its_services():
    keyring_clear()
    sandbox = start_sandbox()
    Secret.password_store_sync(SCHEMA, {'kind': 'secret-key'}, Secret.COLLECTION_DEFAULT,
                               'test', sandbox.key, None)
    pos = PrefsPos(sandbox=False,
                   settings={'callback-listen': "'127.0.0.1:0'", 'cid': "'%s'" % SHOP_CID,
                             'api-base': "'%s'" % sandbox.url, 'terminal-id': "'T1'"})
    try:
        # A sale on the embedded sandbox, waiting for the customer...
        pos.add_line('Bread', 1, '4000')
        pos.wait_text('Charge ₩4,000')
        pos.key('ctrl+Return', to=pos.window_focus())
        first_url = pos.qr()
        first = pos.wait_state('AWAITING_CUSTOMER')
        assert not first_url.startswith(sandbox.url), first_url

        # ...while the owner switches to real payments.
        leave_test_mode(pos)
        wait_until('the banner gone', lambda: not pos.has_text('TEST MODE'))

        # The customer still pays the first sale where it was made.
        location, status, body = customer(first_url, 'pay')
        assert status == 200, (status, location)
        pos.wait_text('Payment Approved')
        sale = pos.wait_state('APPROVED')
        assert sale['partner_order_id'] == first['partner_order_id']

        # The next sale goes to the configured KakaoPay.
        pos.key('Return', to=button(pos, 'New Sale (Enter)'))
        pos.wait_text('Charge ₩0')
        pos.add_line('Milk', 1, '2500')
        pos.wait_text('Charge ₩2,500')
        pos.key('ctrl+Return', to=pos.window_focus())
        second_url = pos.qr()
        assert second_url.startswith(sandbox.url), (second_url, sandbox.url)
        second = pos.wait_state('AWAITING_CUSTOMER')
        assert second['partner_order_id'] != first['partner_order_id']
        customer(second_url, 'pay')
        pos.wait_state('APPROVED')
        assert_no_secret(pos, sandbox.key)
    finally:
        pos.cleanup()
        sandbox.close()
        keyring_clear()


def test_relay_sale():
    if RELAY and not os.path.exists(RELAY):
        raise AssertionError('kakaopay-relay not built: ' + RELAY)
    token = secrets.token_hex(16)
    relay = start_relay('T7', token)
    sandbox = start_sandbox()
    files = tempfile.mkdtemp(prefix='kp-ui-files-')
    key_file = os.path.join(files, 'key')
    token_file = os.path.join(files, 'token')
    with open(os.open(key_file, os.O_WRONLY | os.O_CREAT, 0o600), 'w') as f:
        f.write(sandbox.key + '\n')
    with open(os.open(token_file, os.O_WRONLY | os.O_CREAT, 0o600), 'w') as f:
        f.write(token + '\n')
    keyring_clear()
    pos = PrefsPos(['--api-base', sandbox.url, '--secret-key-file', key_file,
                    '--relay', relay.url, '--relay-token-file', token_file,
                    '--terminal-id', 'T7'],
                   sandbox=False, settings={'terminal-id': "'T7'"},
                   extra_env={'G_MESSAGES_DEBUG': 'all'})
    try:
        pos.wait_text('Relay: connected')
        pos.add_line('Cake', 1, '6500')
        pos.wait_text('Charge ₩6,500')
        pos.key('ctrl+Return', to=pos.window_focus())
        url = pos.qr()
        sale = pos.wait_state('AWAITING_CUSTOMER')
        assert sale['partner_order_id'].startswith('T7-')
        # The customer's phone is sent to the relay, which hands the approval on.
        location, status, body = customer(url, 'pay')
        assert location.startswith(relay.url + '/t/T7/approve/'), location
        assert status == 200, (status, body)
        sale = pos.wait_state('APPROVED')
        assert sale['aid']
        # --secret-key-file and --relay-token-file: the keyring was never written.
        assert keyring('secret-key') is None and keyring('relay-token') is None
        assert_no_secret(pos, sandbox.key)
        assert_no_secret(pos, token)
    finally:
        pos.cleanup()
        sandbox.close()
        relay.close()
        shutil.rmtree(files, ignore_errors=True)


def test_relay_token_rejected():
    relay = start_relay('T7', secrets.token_hex(16))
    sandbox = start_sandbox()
    keyring_clear()
    pos = PrefsPos(['--api-base', sandbox.url, '--relay', relay.url, '--terminal-id', 'T7'],
                   sandbox=False, settings={'terminal-id': "'T7'"})
    try:
        # No token yet: the window says how to fix it.
        pos.wait_text('relay token is not set')
        prefs = pos.preferences()
        prefs.page('Approvals')
        prefs.fill('Terminal token', 'not-the-token')
        wait_until('the token in the keyring', lambda: keyring('relay-token') == 'not-the-token')
        assert 'not-the-token' not in pos.keyfile()
        pos.wait_text('terminal token rejected')

        # Removed from the preferences: gone from the keyring, and the window says so.
        prefs.click('Remove the saved terminal token')
        wait_until('the token removed', lambda: keyring('relay-token') is None)
        pos.wait_text('relay token is not set')
    finally:
        pos.cleanup()
        sandbox.close()
        relay.close()
        keyring_clear()


def test_secret_files_private():
    """A --secret-key-file or --relay-token-file other users can read is refused, as ssh
    refuses such a key: the window names the file and the command that fixes it."""
    files = tempfile.mkdtemp(prefix='kp-ui-files-')
    key = 'DEV' + secrets.token_hex(20).upper()[:37]
    token = secrets.token_hex(16)
    key_file = os.path.join(files, 'key')
    token_file = os.path.join(files, 'token')
    for path, value, mode in ((key_file, key, 0o644), (token_file, token, 0o640)):
        with open(path, 'w') as f:
            f.write(value + '\n')
        os.chmod(path, mode)
    keyring_clear()
    try:
        pos = PrefsPos(['--api-base', 'http://127.0.0.1:9', '--secret-key-file', key_file],
                       sandbox=False)
        try:
            pos.wait_text('chmod 600 %s' % key_file)
            assert pos.has_text('Refused the secret key file %s' % key_file), pos.texts()
            assert keyring('secret-key') is None
            assert_no_secret(pos, key)
        finally:
            pos.cleanup()

        os.chmod(key_file, 0o600)
        pos = PrefsPos(['--api-base', 'http://127.0.0.1:9', '--secret-key-file', key_file,
                        '--relay', 'http://127.0.0.1:9', '--relay-token-file', token_file],
                       sandbox=False)
        try:
            pos.wait_text('chmod 600 %s' % token_file)
            assert pos.has_text('Refused the relay token file %s' % token_file), pos.texts()
            assert not pos.has_text('chmod 600 %s' % key_file), pos.texts()
            assert_no_secret(pos, token)
        finally:
            pos.cleanup()
    finally:
        shutil.rmtree(files, ignore_errors=True)
        keyring_clear()


def test_test_cid_and_cleartext_at_start():
    """KakaoPay's test CID shows TEST MODE even outside the sandbox; with the shop's own
    CID, an API or relay address in clear text to another computer is refused."""
    sandbox = start_sandbox()
    files = tempfile.mkdtemp(prefix='kp-ui-files-')
    key_file = os.path.join(files, 'key')
    token_file = os.path.join(files, 'token')
    token = secrets.token_hex(16)
    for path, value in ((key_file, sandbox.key), (token_file, token)):
        with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), 'w') as f:
            f.write(value + '\n')
    keyring_clear()
    try:
        # --api-base and --secret-key-file with the default CID, TC0ONETIME.
        pos = PrefsPos(['--api-base', sandbox.url, '--secret-key-file', key_file],
                       sandbox=False)
        try:
            pos.wait_text('TEST MODE — KakaoPay test CID')
            assert pos.frame.get_name().endswith('TEST MODE'), pos.frame.get_name()
        finally:
            pos.cleanup()

        # The shop's CID: real payments, no banner, over loopback http.
        pos = PrefsPos(['--api-base', sandbox.url, '--secret-key-file', key_file,
                        '--cid', SHOP_CID], sandbox=False)
        try:
            wait_until('no banner', lambda: not pos.has_text('TEST MODE'))
            assert not any('not encrypted' in t for t in pos.texts()), pos.texts()
        finally:
            pos.cleanup()

        # ...and to another computer in clear text: refused, the key and token unsent.
        pos = PrefsPos(['--api-base', 'http://192.0.2.1:9', '--secret-key-file', key_file,
                        '--cid', SHOP_CID, '--relay', 'http://192.0.2.1:8',
                        '--relay-token-file', token_file], sandbox=False)
        try:
            pos.wait_text('http://192.0.2.1:9 is not encrypted')
            pos.wait_text('http://192.0.2.1:8 is not encrypted')
            assert not pos.has_text('TEST MODE'), pos.texts()
        finally:
            pos.cleanup()
    finally:
        sandbox.close()
        shutil.rmtree(files, ignore_errors=True)
        keyring_clear()


def test_cid_secret_in_keyring():
    """The CID secret lives in the keyring: one an older version left in the settings
    moves there at start, and Preferences stores and removes it there."""
    old_secret = '0123456789abcdefghijklmn'
    new_secret = 'nmlkjihgfedcba9876543210'
    keyring_clear()
    pos = PrefsPos(settings={'cid-secret': "'%s'" % old_secret})
    try:
        wait_until('the CID secret moved to the keyring',
                   lambda: keyring('cid-secret') == old_secret)
        wait_until('the setting emptied', lambda: pos.setting('cid-secret') is None)
        assert_no_secret(pos, old_secret)

        prefs = pos.preferences()
        prefs.page('KakaoPay')
        title = 'CID secret (optional, kept in the keyring; empty: remove)'
        prefs.fill(title, 'not-a-cid-secret')
        prefs.wait_text('The CID secret has 24 digits or lowercase letters')
        assert keyring('cid-secret') == old_secret
        prefs.fill(title, new_secret)
        wait_until('the new CID secret in the keyring',
                   lambda: keyring('cid-secret') == new_secret)
        wait_until('the field emptied', lambda: prefs.text_of(title) == '')
        assert pos.setting('cid-secret') is None
        assert_no_secret(pos, new_secret)
        prefs.fill(title, '')
        wait_until('the CID secret removed', lambda: keyring('cid-secret') is None)
    finally:
        pos.cleanup()
        keyring_clear()


CASES = [
    test_shop_business_number,
    test_shop_fields_save_without_enter,
    test_approvals_page_explains,
    test_receipt_printer,
    test_live_mode_shows,
    test_account_and_real_payments,
    test_sale_in_flight_keeps_its_services,
    test_relay_sale,
    test_relay_token_rejected,
    test_secret_files_private,
    test_test_cid_and_cleartext_at_start,
    test_cid_secret_in_keyring,
]

if __name__ == '__main__':
    sys.exit(kpprefs.main(CASES, sys.argv))
