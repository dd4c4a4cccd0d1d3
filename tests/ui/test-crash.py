#!/usr/bin/python3
# test-crash.py: crashes and faults, with real processes, under Xvfb.
#
# It runs itself in a clean session of its own (kpui.session: a private session bus
# for AT-SPI, a temporary home) and starts its own Xvfb.
# KakaoPay is a separate `kakaopay-sandbox --control` process, so killing the terminal
# does not kill KakaoPay; its control interface injects faults, plays the customer and
# hands back the exact list of API calls it received. The terminal is the real
# `kakaopay-pos` against it (--api-base, --secret-key-file, a fixed --callback-listen
# port so a restarted terminal hears the same approval URLs, its own journal), driven
# with the keyboard as test-pos.py does.
#
# Each case checks the promise: every sale ends in the final state KakaoPay's records
# say, nobody is charged twice. It asserts the journal (SQLite), the screen (AT-SPI) and
# the calls KakaoPay received: ready never twice for an order, approve never again
# without an order call in between. Nothing waits for time to pass but the terminal's
# own request timeout and payment lifetime: "stays" means "stays while the terminal
# asks KakaoPay again", and KakaoPay's clock is moved through its control interface.
#
#   test-crash.py                 every case once, TAP
#   test-crash.py NAME            the cases whose name contains NAME, TAP
#   test-crash.py --runs N [NAME] every case N times, then a table (case × run)
#
# Needs KP_POS and KP_SCHEMAS (and KP_LOCALEDIR) like test-pos.py, and KP_SANDBOX (by
# default the kakaopay-sandbox of the same build tree).
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

import kpui
import kpwindows
from kpui import PATIENCE, Pos, app_env, customer, http, wait_gone, wait_until
from kpsandbox import Sandbox, free_port
from kpwindows import WindowsMixin, button, confirm, refund_window

# Loopback requests answer well within the request timeout even on a loaded machine;
# a late reply comes long after it.
FAULT_SETTINGS = {'request-timeout': 'uint32 3', 'poll-interval': 'uint32 500'}
CRASH_SETTINGS = {'request-timeout': 'uint32 5', 'poll-interval': 'uint32 500'}
HOLD_MS = 600000         # a reply held "forever" (the terminal is killed meanwhile)
LATE_MS = 12000          # a reply later than request-timeout (3 s)
RESOLVE_S = PATIENCE     # every unfinished sale ends after a restart


# -- the terminal --

class Terminal(WindowsMixin, Pos):
    """kakaopay-pos against the sandbox process. Unlike kpui.Pos, its home and journal
    outlive the process, so it can be killed and started again on the same journal
    (and the same approval listener port)."""

    def __init__(self, sandbox, settings, home):
        self.sandbox = sandbox
        self.settings = settings
        self.dir = home
        self.journal = os.path.join(self.dir, 'journal.sqlite3')
        self.cb_port = free_port()
        self.starts = 0
        self._start()

    def _start(self):
        self.language = 'en'
        self.env = env = app_env(self.dir, self.settings)
        self.starts += 1
        argv = [kpui.POS, '--journal', self.journal, '--api-base', self.sandbox.url,
                '--secret-key-file', self.sandbox.key_file,
                '--callback-listen', '127.0.0.1:%d' % self.cb_port]
        self.log = open(os.path.join(self.dir, 'pos-%d.log' % self.starts), 'w')
        self.proc = subprocess.Popen(argv, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self._started()
        except BaseException:
            self.close()
            raise

    def output(self):
        with open(os.path.join(self.dir, 'pos-%d.log' % self.starts)) as f:
            return f.read()

    def crash(self):
        """kill -9: no shutdown, no last journal write."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def restart(self):
        self._start()

    def cleanup(self):
        self.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def sale(self, order_id):
        for sale in self.sales():
            if sale['partner_order_id'] == order_id:
                return sale
        raise AssertionError('no sale ' + order_id)

    def wait_order_state(self, order_id, state, timeout=RESOLVE_S):
        def check():
            sale = self.sale(order_id)
            return sale if sale['state'] == state else None
        try:
            return wait_until('%s in state %s' % (order_id, state), check, timeout)
        except AssertionError:
            raise AssertionError('%s is %s, not %s; transitions %s' % (
                order_id, self.sale(order_id)['state'], state, self.transitions(order_id)))

    def wait_new_sale(self, state, known=()):
        def check():
            for sale in self.sales():
                if sale['partner_order_id'] not in known and sale['state'] == state:
                    return sale
            return None
        return wait_until('a new sale in state ' + state, check)


# -- what KakaoPay received --

def calls(sandbox, sale):
    """The API calls about one sale, oldest first, as "ready", "order!delay",
    "approve:-780" (fault after '!', KakaoPay error code after ':')."""
    out = []
    for r in sandbox.requests():
        if r['partner_order_id'] != sale['partner_order_id'] and \
                (sale['tid'] is None or r['tid'] != sale['tid']):
            continue
        token = r['endpoint']
        if r['fault']:
            token += '!' + r['fault']
        if r['code']:
            token += ':%d' % r['code']
        out.append(token)
    return out


def check_calls(sandbox, sale, pattern):
    """The calls about @sale match @pattern (a regular expression over the tokens
    joined by spaces), and the promise holds for them."""
    tokens = calls(sandbox, sale)
    text = ' '.join(tokens)
    assert re.fullmatch(pattern, text), \
        'KakaoPay received “%s”, expected /%s/' % (text, pattern)
    check_promise(tokens)
    return tokens


def check_promise(tokens):
    """Ready at most once per order; after an approve (or a cancel) KakaoPay may have
    processed, never another before an order call answered."""
    assert sum(1 for t in tokens if t.startswith('ready')) <= 1, tokens
    asked = {'approve': True, 'cancel': True}
    for t in tokens:
        call = t.split('!')[0].split(':')[0]
        if call in asked:
            assert asked[call], 'a second %s without an order in between: %s' % (call, tokens)
            asked[call] = False
        elif t == 'order':
            asked = {call: True for call in asked}


def check_all_orders(sandbox, pos):
    """The promise for every sale in the journal, and no order id readied twice."""
    readied = [r['partner_order_id'] for r in sandbox.requests() if r['endpoint'] == 'ready']
    assert len(readied) == len(set(readied)), readied
    for sale in pos.sales():
        check_promise(calls(sandbox, sale))


def wait_call(sandbox, sale_or_order, token, count=1):
    """Until KakaoPay has received @count calls @token about the sale (processed: a held
    reply counts as soon as the call is handled)."""
    def check():
        sale = sale_or_order
        return sum(1 for t in calls(sandbox, sale) if t == token) >= count
    wait_until('KakaoPay to receive %s' % token, check)


def pg_token_of(url):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)['pg_token'][0]


# -- the cashier --

def ring_up(pos, name='Latte', price='5000', shown='₩5,000'):
    pos.add_line(name, 1, price)
    pos.wait_text('Charge ' + shown)


def charge(pos):
    """Ctrl+Enter; returns the QR's URL and the sale, journaled AWAITING_CUSTOMER."""
    known = [s['partner_order_id'] for s in pos.sales()]
    pos.key('ctrl+Return', to=pos.window_focus())
    url = pos.qr()
    sale = pos.wait_new_sale('AWAITING_CUSTOMER', known)
    return url, sale


def charge_no_qr(pos):
    """Ctrl+Enter when no QR will come; returns the new sale as first journaled."""
    known = [s['partner_order_id'] for s in pos.sales()]
    pos.key('ctrl+Return', to=pos.window_focus())
    return wait_until('the new sale', lambda: next(
        (s for s in pos.sales() if s['partner_order_id'] not in known), None))


def sell_another(pos, sandbox, name='Tea', price='3000', shown='₩3,000'):
    """The cashier rings up and completes another sale; returns it."""
    ring_up(pos, name, price, shown)
    url, sale = charge(pos)
    location, status, _ = customer(url, 'pay')
    assert status == 200, status
    pos.wait_text('Payment Approved')
    sale = pos.wait_order_state(sale['partner_order_id'], 'APPROVED')
    check_calls(sandbox, sale, r'ready( order)* approve')
    pos.key('Return', to=button(pos, 'New Sale (Enter)'))
    pos.wait_text('Charge ₩0')
    return sale


def wait_toast(pos, fragment, timeout=RESOLVE_S):
    """A toast lasts 4 s: look often."""
    return wait_until('a toast “%s”' % fragment, lambda: pos.has_text(fragment), timeout,
                      step=0.05)


def order_calls(sandbox, sale):
    return sum(1 for t in calls(sandbox, sale) if t.split('!')[0].split(':')[0] == 'order')


def assert_stays(pos, sandbox, sale, state, polls=1):
    """The sale stays @state while the terminal asks KakaoPay about it @polls times
    more: one call more than that has gone out, so the answers to those were read
    (the terminal asks again only after an answer)."""
    order = sale['partner_order_id']
    seen = order_calls(sandbox, sale)

    def check():
        current = pos.sale(order)['state']
        assert current == state, '%s became %s' % (order, current)
        return order_calls(sandbox, sale) > seen + polls
    wait_until('%d more order calls about %s' % (polls + 1, order), check)
    current = pos.sale(order)['state']
    assert current == state, '%s became %s' % (order, current)


# -- cases: kill -9 in each in-flight state, then restart on the same journal --

class Case:
    """Sets up the sandbox and the terminal, runs the body, cleans up."""

    def __init__(self, settings=FAULT_SETTINGS, tid_ttl=900):
        self.settings = settings
        self.tid_ttl = tid_ttl

    def __enter__(self):
        self.sandbox = Sandbox(tid_ttl=self.tid_ttl, prefix='kp-crash-sandbox-')
        home = tempfile.mkdtemp(prefix='kp-crash-')
        try:
            self.pos = Terminal(self.sandbox, self.settings, home)
        except BaseException:
            self.sandbox.close()
            shutil.rmtree(home, ignore_errors=True)
            raise
        return self.pos, self.sandbox

    def __exit__(self, kind, value, tb):
        try:
            if kind is None:
                check_all_orders(self.sandbox, self.pos)
        finally:
            if kind is not None:
                sys.stderr.write(self.pos.output()[-4000:])
            self.pos.cleanup()
            self.sandbox.close()
        return False


def test_crash_ready_sent():
    """Killed while ready is unanswered: no tid was journaled, no QR was shown, so
    nobody can pay it: READY_FAILED, and nothing is sent about it again."""
    with Case(CRASH_SETTINGS) as (pos, sandbox):
        ring_up(pos)
        sandbox.fault('ready', 'delay', 1, HOLD_MS)
        sale = charge_no_qr(pos)
        order = sale['partner_order_id']
        wait_call(sandbox, sale, 'ready!delay')
        assert pos.sale(order)['state'] == 'READY_SENT'
        pos.crash()

        pos.restart()
        pos.wait_order_state(order, 'READY_FAILED')
        wait_toast(pos, 'Order %s (₩5,000) ended without payment' % order)
        assert pos.transitions(order) == ['READY_SENT', 'READY_FAILED']
        check_calls(sandbox, pos.sale(order), r'ready!delay')
        # The cashier goes on: a new order, its own ready.
        other = sell_another(pos, sandbox)
        assert other['partner_order_id'] != order
        check_calls(sandbox, pos.sale(order), r'ready!delay')


def crash_while_awaiting(pos, sandbox):
    ring_up(pos)
    url, sale = charge(pos)
    pos.crash()
    return url, sale


def test_crash_awaiting_paid_after_restart():
    """Killed with the QR on screen; the customer pays after the restart: the
    reconciler listens again on the same address, so the redirect is heard, approve is
    sent once, and the cashier is told. Meanwhile the cashier sells something else."""
    with Case(CRASH_SETTINGS) as (pos, sandbox):
        url, sale = crash_while_awaiting(pos, sandbox)
        order = sale['partner_order_id']

        pos.restart()
        pos.wait_text('Recovering 1 unfinished sale…')
        assert_stays(pos, sandbox, sale, 'AWAITING_CUSTOMER', 2)
        assert pos.has_text('Recovering 1 unfinished sale…')

        # The counter does not wait for it: a payment given up at the counter (watched
        # quietly, it is not an unfinished one), then one paid.
        ring_up(pos, 'Tea', '3000', '₩3,000')
        url2, aborted = charge(pos)
        pos.cancel_payment()
        pos.wait_text('Payment cancelled at the counter')
        pos.wait_order_state(aborted['partner_order_id'], 'ABORTED_BY_CASHIER')
        # Watched (asked about again) without counting as unfinished.
        assert_stays(pos, sandbox, pos.sale(aborted['partner_order_id']), 'ABORTED_BY_CASHIER')
        assert pos.has_text('Recovering 1 unfinished sale…')
        url2, other = charge(pos)
        customer(url2, 'pay')
        pos.wait_text('Payment Approved')
        pos.wait_order_state(other['partner_order_id'], 'APPROVED')
        pos.key('Return', to=button(pos, 'New Sale (Enter)'))
        pos.wait_text('Charge ₩0')
        assert pos.sale(order)['state'] == 'AWAITING_CUSTOMER'
        assert pos.has_text('Recovering 1 unfinished sale…')

        location, status, body = customer(url, 'pay')
        assert status == 200, status
        sale = pos.wait_order_state(order, 'APPROVED')
        wait_toast(pos, 'Order %s was paid after all: ₩5,000 approved.' % order)
        wait_until('the recovery notice to go', lambda: not pos.has_text('Recovering'))
        assert pos.transitions(order) == ['READY_SENT', 'AWAITING_CUSTOMER', 'APPROVING',
                                          'APPROVED']
        assert sale['aid'] and sale['aid'].startswith('A')
        check_calls(sandbox, sale, r'ready( order)+ approve')
        assert sandbox.status(sale['tid']) == 'SUCCESS_PAYMENT'
        # The phone reloading its redirect: gone, and nothing sent.
        wait_gone(location)
        check_calls(sandbox, sale, r'ready( order)+ approve')


def test_crash_awaiting_expires():
    """Killed with the QR on screen; nobody pays: watched until the tid expires (by
    the terminal's own clock: long enough for a restart on a loaded machine)."""
    settings = dict(CRASH_SETTINGS, **{'tid-lifetime': 'uint32 30'})
    with Case(settings, tid_ttl=30) as (pos, sandbox):
        url, sale = crash_while_awaiting(pos, sandbox)
        order = sale['partner_order_id']

        pos.restart()
        pos.wait_text('Recovering 1 unfinished sale…')
        ring_up(pos, 'Cookie', '1500', '₩1,500')
        sale = pos.wait_order_state(order, 'EXPIRED')
        wait_toast(pos, 'Order %s (₩5,000) ended without payment' % order)
        assert pos.transitions(order) == ['READY_SENT', 'AWAITING_CUSTOMER', 'EXPIRED']
        check_calls(sandbox, sale, r'ready( order)+')
        # KakaoPay's clock ends it too (its tid was created a moment after the sale).
        wait_until('KakaoPay to expire it',
                   lambda: sandbox.status(sale['tid']) == 'QUIT_PAYMENT')
        assert not pos.has_text('Recovering')
        assert pos.has_text('Charge ₩1,500')


def test_crash_awaiting_callbacks():
    """After a restart the re-armed listener still refuses forged redirects, and hears
    the real one once however often the phone sends it."""
    with Case(CRASH_SETTINGS) as (pos, sandbox):
        url, sale = crash_while_awaiting(pos, sandbox)
        order = sale['partner_order_id']
        pos.restart()
        pos.wait_text('Recovering 1 unfinished sale…')

        real = sandbox.act(sale['tid'], 'pay')['redirect']
        parts = urllib.parse.urlsplit(real)
        base = '%s://%s' % (parts.scheme, parts.netloc)
        assert parts.port == pos.cb_port, real
        forged = [
            '%s/kakaopay/approve/%s?n=%s&pg_token=%s' % (base, order, '0' * 32, 'f' * 20),
            '%s/kakaopay/approve/%s?pg_token=%s' % (base, order, 'f' * 20),
            '%s/kakaopay/cancel/%s?n=%s' % (base, order, '1' * 32),
            '%s/kakaopay/fail/%s?n=%s' % (base, order, '2' * 32),
            '%s/kakaopay/approve/T9-20000101-0001?%s' % (base, parts.query),
        ]
        for link in forged:
            status, _, _ = http(link)
            assert status == 404, (link, status)
        assert_stays(pos, sandbox, sale, 'AWAITING_CUSTOMER')
        check_calls(sandbox, pos.sale(order), r'ready( order)+')

        statuses = [http(real)[0] for _ in range(3)]
        assert statuses[0] == 200 and all(s in (200, 410) for s in statuses), statuses
        sale = pos.wait_order_state(order, 'APPROVED')
        # The listener lets the order go just after the journal write: a replay in
        # between is only heard again (200), and ignored.
        wait_gone(real, 'the listener to refuse the replay')
        assert pos.transitions(order).count('APPROVING') == 1
        check_calls(sandbox, sale, r'ready( order)+ approve')


FAULT_NAMES = {'delay': 'delay', 'http500': 'http-500', 'malformed': 'malformed-json',
               'drop': 'drop-reply', 'decline': 'decline'}


def approve_and_crash(pos, sandbox, approve_fault, order_fault=None, paid=True):
    """The customer pays; approve reaches KakaoPay with @approve_fault (processed unless
    http500); the terminal is killed before it learns the outcome (while its order
    check hangs on @order_fault, if given)."""
    ring_up(pos)
    url, sale = charge(pos)
    order = sale['partner_order_id']
    sandbox.fault('approve', approve_fault, 1, HOLD_MS)
    if order_fault:
        sandbox.fault('order', order_fault, 1000, HOLD_MS)
    location, status, _ = customer(url, 'pay')
    assert status == 200, status
    approve = 'approve!' + FAULT_NAMES[approve_fault]
    wait_call(sandbox, sale, approve)
    if order_fault:
        # No usable reply: the terminal asks order, which hangs too.
        wait_until('order after approve', lambda: re.search(
            approve + r' order!delay', ' '.join(calls(sandbox, sale))))
    assert pos.sale(order)['state'] == 'APPROVING'
    assert sandbox.status(sale['tid']) == ('SUCCESS_PAYMENT' if paid else 'AUTH_PASSWORD')
    pos.crash()
    sandbox.clear_faults()
    return location, pos.sale(order)


def test_crash_approving():
    """Killed after approve was processed but before its reply: APPROVED from order,
    with no second approve. The restart's order is held a while: the screen says it is
    recovering, and the cashier can ring up meanwhile."""
    with Case(CRASH_SETTINGS) as (pos, sandbox):
        location, sale = approve_and_crash(pos, sandbox, 'delay')
        order = sale['partner_order_id']
        # Held until the test has seen enough (each asks again after request-timeout).
        sandbox.fault('order', 'delay', 1000, HOLD_MS)

        pos.restart()
        pos.wait_text('Recovering 1 unfinished sale…')
        wait_call(sandbox, sale, 'order!delay')
        assert pos.sale(order)['state'] == 'APPROVING'
        ring_up(pos, 'Cookie', '1500', '₩1,500')
        assert pos.has_text('Recovering 1 unfinished sale…')
        sandbox.clear_faults()
        sale = pos.wait_order_state(order, 'APPROVED')
        wait_toast(pos, 'Order %s was paid after all: ₩5,000 approved.' % order)
        assert pos.transitions(order) == ['READY_SENT', 'AWAITING_CUSTOMER', 'APPROVING',
                                          'APPROVED']
        assert sale['aid'] and sale['payment_method_type'] == 'MONEY'
        # The phone reloads its redirect: the new process does not take it.
        status, _, _ = http(location)
        assert status in (404, 410), status
        check_calls(sandbox, sale, r'ready( order)* approve!delay( order!delay)+ order')
        assert pos.has_text('Charge ₩1,500')


def test_crash_approve_reply_lost():
    """approve processed, its reply lost, and the terminal killed while it asks order:
    APPROVED after the restart, approve sent exactly once."""
    with Case(CRASH_SETTINGS) as (pos, sandbox):
        location, sale = approve_and_crash(pos, sandbox, 'drop', order_fault='delay')
        order = sale['partner_order_id']

        pos.restart()
        sale = pos.wait_order_state(order, 'APPROVED')
        wait_toast(pos, 'Order %s was paid after all' % order)
        check_calls(sandbox, sale,
                    r'ready( order(!delay)?)* approve!drop-reply( order!delay)+ order')
        assert sale['aid']


def test_crash_during_recovery():
    """Killed again while the restarted terminal was still resolving the sale: the
    third start finishes the job, still without a second approve."""
    with Case(CRASH_SETTINGS) as (pos, sandbox):
        location, sale = approve_and_crash(pos, sandbox, 'delay')
        order = sale['partner_order_id']
        sandbox.fault('order', 'delay', 1, HOLD_MS)
        pos.restart()
        pos.wait_text('Recovering 1 unfinished sale…')
        wait_call(sandbox, sale, 'order!delay')
        pos.crash()
        sandbox.clear_faults()

        pos.restart()
        sale = pos.wait_order_state(order, 'APPROVED')
        wait_toast(pos, 'Order %s was paid after all' % order)
        check_calls(sandbox, sale, r'ready( order)* approve!delay order!delay order')


def test_crash_approve_not_processed():
    """approve answered 500 without being processed, and the terminal killed while it
    asks order: after the restart order says AUTH_PASSWORD, so approve is sent again
    with the journaled pg_token, once."""
    with Case(CRASH_SETTINGS) as (pos, sandbox):
        location, sale = approve_and_crash(pos, sandbox, 'http500', order_fault='delay',
                                           paid=False)
        order = sale['partner_order_id']
        assert sale['pg_token']

        pos.restart()
        sale = pos.wait_order_state(order, 'APPROVED')
        wait_toast(pos, 'Order %s was paid after all' % order)
        check_calls(sandbox, sale,
                    r'ready( order(!delay)?)* approve!http-500( order!delay)+ order approve')
        assert sandbox.status(sale['tid']) == 'SUCCESS_PAYMENT'


# -- cases: a fault on each call, no crash: the sale ends as KakaoPay says --

def ready_fault(fault):
    def case():
        with Case() as (pos, sandbox):
            ring_up(pos)
            sandbox.fault('ready', fault, 1, LATE_MS)
            sale = charge_no_qr(pos)
            order = sale['partner_order_id']
            pos.wait_text('The payment could not start')
            sale = pos.wait_order_state(order, 'READY_FAILED')
            assert pos.transitions(order) == ['READY_SENT', 'READY_FAILED']
            assert pos.has_text('Charge ₩5,000')
            name = FAULT_NAMES[fault]
            check_calls(sandbox, sale, r'ready!' + name)
            # The cart is unchanged: charging again is a new order, paid.
            url, again = charge(pos)
            assert again['partner_order_id'] != order
            customer(url, 'pay')
            again = pos.wait_order_state(again['partner_order_id'], 'APPROVED')
            check_calls(sandbox, again, r'ready( order)* approve')
            # Nothing more about the first order, a whole sale later.
            check_calls(sandbox, sale, r'ready!' + name)
    case.__name__ = 'test_fault_ready_' + fault
    return case


APPROVE_FAULTS = {
    # processed, reply late / unreadable / lost: order says paid
    'delay': (r'approve!delay order', 'APPROVED'),
    'malformed': (r'approve!malformed-json order', 'APPROVED'),
    'drop': (r'approve!drop-reply order', 'APPROVED'),
    # not processed: order says AUTH_PASSWORD, so approve once more
    'http500': (r'approve!http-500 order approve', 'APPROVED'),
    # refused by the card company
    'decline': (r'approve!decline:-780', 'APPROVE_FAILED'),
}


def approve_fault(fault):
    pattern, state = APPROVE_FAULTS[fault]

    def case():
        with Case() as (pos, sandbox):
            ring_up(pos)
            url, sale = charge(pos)
            order = sale['partner_order_id']
            sandbox.fault('approve', fault, 1, LATE_MS)
            location, status, _ = customer(url, 'pay')
            assert status == 200, status
            sale = pos.wait_order_state(order, state)
            if state == 'APPROVED':
                pos.wait_text('Payment Approved')
                assert pos.has_text(sale['aid'])
                assert sandbox.status(sale['tid']) == 'SUCCESS_PAYMENT'
            else:
                pos.wait_text('KakaoPay declined the payment')
                assert sale['aid'] is None
                assert sandbox.status(sale['tid']) == 'FAIL_PAYMENT'
            assert pos.transitions(order) == ['READY_SENT', 'AWAITING_CUSTOMER', 'APPROVING',
                                              state]
            check_calls(sandbox, sale, r'ready( order)* ' + pattern)
    case.__name__ = 'test_fault_approve_' + fault
    return case


def order_fault(fault):
    """order failing while the terminal waits for the customer: the poller keeps
    asking, and the sale still ends as KakaoPay says."""
    name = FAULT_NAMES[fault]

    def case():
        with Case() as (pos, sandbox):
            ring_up(pos)
            sandbox.fault('order', fault, 2, LATE_MS)
            url, sale = charge(pos)
            order = sale['partner_order_id']
            wait_call(sandbox, sale, 'order!' + name, 2)
            wait_call(sandbox, sale, 'order', 1)
            assert pos.sale(order)['state'] == 'AWAITING_CUSTOMER'
            assert pos.has_text('Scan with your phone')
            customer(url, 'pay')
            sale = pos.wait_order_state(order, 'APPROVED')
            pos.wait_text('Payment Approved')
            check_calls(sandbox, sale, r'ready( order!%s){2}( order)+ approve' % name)
    case.__name__ = 'test_fault_order_' + fault
    return case


def test_fault_order_after_lost_approve():
    """approve's reply lost, then order failing too while the terminal checks: asked
    again until it answers; approve is not sent again."""
    with Case() as (pos, sandbox):
        ring_up(pos)
        url, sale = charge(pos)
        order = sale['partner_order_id']
        sandbox.fault('approve', 'drop')
        redirect = sandbox.act(sale['tid'], 'pay')['redirect']
        sandbox.fault('order', 'http500', 2)
        status, _, _ = http(redirect)
        assert status == 200, status
        sale = pos.wait_order_state(order, 'APPROVED')
        pos.wait_text('Payment Approved')
        # A poll between the fault and the redirect may take one of the two.
        tokens = check_calls(sandbox, sale, r'ready( order)*( order!http-500)? approve!drop-reply'
                                            r'( order!http-500){1,2} order')
        assert tokens.count('order!http-500') == 2, tokens


# -- cases: the cashier gave up (Escape), the customer did not --

def abort_and_pay(pos, sandbox):
    ring_up(pos)
    url, sale = charge(pos)
    order = sale['partner_order_id']
    pos.cancel_payment()
    pos.wait_text('Payment cancelled at the counter')
    pos.wait_order_state(order, 'ABORTED_BY_CASHIER')
    # The customer pays anyway; the terminal no longer takes the redirect.
    status, headers, _ = http(url)
    status, headers, _ = http(url, {'action': 'pay', 'method': 'MONEY'})
    assert status == 303, status
    location = headers['Location']
    status, _, _ = http(location)
    assert status == 410, status
    assert sandbox.status(sale['tid']) == 'AUTH_PASSWORD'
    return location, pos.sale(order)


def test_abort_while_ready_in_flight():
    """Escape while ready is unanswered: the abort happens as soon as the tid is
    journaled, no QR is shown, and the open payment is watched, not approved."""
    with Case() as (pos, sandbox):
        ring_up(pos)
        sandbox.fault('ready', 'delay', 1, 1000)
        sale = charge_no_qr(pos)
        order = sale['partner_order_id']
        pos.key('Escape', to=pos.window_focus())
        pos.wait_text('Payment cancelled at the counter')
        sale = pos.wait_order_state(order, 'ABORTED_BY_CASHIER')
        assert pos.transitions(order) == ['READY_SENT', 'AWAITING_CUSTOMER',
                                          'ABORTED_BY_CASHIER']
        assert pos.has_text('Charge ₩5,000')
        assert sandbox.status(sale['tid']) == 'READY'
        check_calls(sandbox, sale, r'ready!delay( order)*')


def test_abort_then_paid_elsewhere():
    """KakaoPay ends SUCCESS_PAYMENT after the cashier gave up: the journal says
    APPROVED and the cashier is told."""
    with Case() as (pos, sandbox):
        location, sale = abort_and_pay(pos, sandbox)
        order = sale['partner_order_id']
        assert_stays(pos, sandbox, sale, 'ABORTED_BY_CASHIER')
        assert not pos.has_text('Recovering')
        reply = sandbox.approve_elsewhere(sale, pg_token_of(location))
        sale = pos.wait_order_state(order, 'APPROVED')
        wait_toast(pos, 'Order %s was paid after all: ₩5,000 approved.' % order)
        assert sale['aid'] == reply['aid'], (sale['aid'], reply['aid'])
        assert pos.transitions(order) == ['READY_SENT', 'AWAITING_CUSTOMER',
                                          'ABORTED_BY_CASHIER', 'APPROVED']
        # The terminal itself sent no approve: the one approve came from elsewhere.
        check_calls(sandbox, sale, r'ready( order)* approve( order)+')


def test_abort_then_authenticated_only():
    """The customer authenticates after the cashier gave up, nobody approves: nothing is
    charged and the sale stays ABORTED_BY_CASHIER, also across a restart and after the
    tid expired (KakaoPay's clock moved past its lifetime; the terminal's lifetime is
    long enough to go on asking meanwhile)."""
    settings = dict(FAULT_SETTINGS, **{'tid-lifetime': 'uint32 300'})
    with Case(settings, tid_ttl=300) as (pos, sandbox):
        location, sale = abort_and_pay(pos, sandbox)
        order = sale['partner_order_id']
        assert_stays(pos, sandbox, sale, 'ABORTED_BY_CASHIER', 2)
        pos.crash()
        pos.restart()
        # Watched quietly: an aborted sale is not an unfinished one.
        assert_stays(pos, sandbox, sale, 'ABORTED_BY_CASHIER', 2)
        assert not pos.has_text('Recovering')
        # Nobody charged it; KakaoPay's clock ends it, and the terminal hears so.
        sandbox.advance_clock(301)
        assert sandbox.status(sale['tid']) == 'QUIT_PAYMENT'
        assert_stays(pos, sandbox, sale, 'ABORTED_BY_CASHIER')
        sale = pos.sale(order)
        assert sale['state'] == 'ABORTED_BY_CASHIER' and sale['aid'] is None
        assert pos.transitions(order) == ['READY_SENT', 'AWAITING_CUSTOMER', 'ABORTED_BY_CASHIER']
        check_calls(sandbox, sale, r'ready( order)*')


# -- cases: the payment lifetime runs out at KakaoPay --

def advance_sandbox_clock(sandbox, seconds):
    """Moves the sandbox's clock (timestamps, tid expiry) by @seconds."""
    status, body = sandbox._call('POST', 'clock', {'seconds': seconds})
    assert status == 200, body


def countdown(pos):
    """The paying page's "Expires in M:SS", as seconds, or None."""
    for text in pos.texts():
        match = re.fullmatch(r'Expires in (\d+):(\d\d)', text)
        if match:
            return int(match.group(1)) * 60 + int(match.group(2))
    return None


def test_expired_at_kakaopay():
    """A two-minute payment lifetime, set on the terminal and kept by KakaoPay: the
    countdown starts from it, and when KakaoPay's clock runs it out with nobody on the
    payment page, the cashier reads that the payment expired and History says Expired,
    not that the customer cancelled."""
    settings = dict(FAULT_SETTINGS, **{'tid-lifetime': 'uint32 120'})
    with Case(settings, tid_ttl=120) as (pos, sandbox):
        ring_up(pos)
        url, sale = charge(pos)
        order = sale['partner_order_id']
        left = wait_until('the countdown', lambda: countdown(pos))
        assert 100 < left <= 120, left

        advance_sandbox_clock(sandbox, 150)
        wait_until('KakaoPay to expire it',
                   lambda: sandbox.status(sale['tid']) == 'QUIT_PAYMENT')
        pos.wait_text('The payment expired before the customer finished')
        assert not pos.has_text('The customer cancelled the payment')
        sale = pos.wait_order_state(order, 'EXPIRED')
        assert pos.transitions(order) == ['READY_SENT', 'AWAITING_CUSTOMER', 'EXPIRED']
        assert pos.has_text('Charge ₩5,000')

        pos.key('ctrl+h', to=pos.window_focus())
        pos.wait_text('Order ' + order)
        pos.wait_text('Expired')
        assert not pos.has_text('Cancelled by customer')
        check_calls(sandbox, sale, r'ready( order)+')


# -- cases: refunds (cancel) faulted or cut short by a crash --

def refund_form(pos, order, amount, shown):
    """The history (Ctrl+H), the refund window for the sale (Alt+R), @amount typed."""
    pos.key('ctrl+h', to=pos.window_focus())
    pos.wait_text('Order ' + order)
    pos.key('alt+r', to=pos.window_focus())
    window = refund_window(pos)
    pos.key('ctrl+a', to=kpwindows.amount(window))
    pos.type(amount, into=kpwindows.amount(window))
    window.wait_text(shown)
    return window


def wait_refund(pos, order, state, timeout=RESOLVE_S):
    def check():
        refunds = pos.refunds(order)
        return refunds if refunds and refunds[-1]['state'] == state else None
    try:
        return wait_until('the refund of %s in state %s' % (order, state), check, timeout)
    except AssertionError:
        raise AssertionError('the refunds of %s: %s' % (order, pos.refunds(order)))


def check_refunded(pos, sandbox, order, amount):
    """The last refund went through: journaled with KakaoPay's aid, the sale partly
    refunded, KakaoPay agreeing."""
    refund = wait_refund(pos, order, 'REFUNDED')[-1]
    assert refund['cancel_amount'] == amount and refund['aid'], refund
    sale = pos.wait_order_state(order, 'PARTIALLY_REFUNDED')
    assert sale['refunded_amount'] == amount, sale
    assert sandbox.status(sale['tid']) == 'PART_CANCEL_PAYMENT'
    return sale


def cancel_fault(fault):
    """A fault on cancel. Processed, the reply late / unreadable / lost: the order's
    canceled amount includes it. Not processed (a proxy's 500): it does not, and the
    cashier is told to try again."""
    name = FAULT_NAMES[fault]

    def case():
        with Case() as (pos, sandbox):
            sale = sell_another(pos, sandbox)
            order = sale['partner_order_id']
            window = refund_form(pos, order, '2000', '₩2,000')
            sandbox.fault('cancel', fault, 1, LATE_MS)
            confirm(pos, ['Refund ₩2,000?'], window=window)
            wait_call(sandbox, sale, 'cancel!' + name)
            if fault != 'http500':
                window.wait_closed()
                sale = check_refunded(pos, sandbox, order, 2000)
                assert len(pos.refunds(order)) == 1
                check_calls(sandbox, sale, r'ready( order)* approve cancel!%s order' % name)
                return
            alert = wait_until('the refusal', window.alert)
            assert 'KakaoPay did not receive the refund' in alert, alert
            assert [r['state'] for r in pos.refunds(order)] == ['REFUND_FAILED']
            after = pos.sale(order)
            assert after['state'] == 'APPROVED' and after['refunded_amount'] == 0, after
            assert sandbox.status(sale['tid']) == 'SUCCESS_PAYMENT'
            check_calls(sandbox, sale, r'ready( order)* approve cancel!http-500 order')
            # Try again, as the message says (Enter, back in the amount): one new cancel.
            wait_until('focus back on the amount', kpwindows.amount(window))
            confirm(pos, ['Refund ₩2,000?'], then_closes=window)
            check_refunded(pos, sandbox, order, 2000)
            assert [r['state'] for r in pos.refunds(order)] == ['REFUND_FAILED', 'REFUNDED']
            check_calls(sandbox, sale, r'ready( order)* approve cancel!http-500 order cancel')
    case.__name__ = 'test_fault_cancel_' + fault
    return case


def test_crash_refund_sent():
    """Killed while cancel is unanswered (KakaoPay processed it): after the restart the
    order's canceled amount says refunded; cancel is not sent again."""
    with Case(CRASH_SETTINGS) as (pos, sandbox):
        sale = sell_another(pos, sandbox)
        order = sale['partner_order_id']
        window = refund_form(pos, order, '2000', '₩2,000')
        sandbox.fault('cancel', 'delay', 1, HOLD_MS)
        confirm(pos, ['Refund ₩2,000?'], window=window)
        wait_call(sandbox, sale, 'cancel!delay')
        assert [r['state'] for r in pos.refunds(order)] == ['REFUND_SENT']
        pos.crash()

        pos.restart()
        sale = check_refunded(pos, sandbox, order, 2000)
        assert len(pos.refunds(order)) == 1
        check_calls(sandbox, sale, r'ready( order)* approve cancel!delay( order)+')


def test_crash_refund_not_processed():
    """cancel not processed (500), the terminal killed while it asks the order API:
    after the restart the refund ends REFUND_FAILED, nothing refunded, no new cancel."""
    with Case(CRASH_SETTINGS) as (pos, sandbox):
        sale = sell_another(pos, sandbox)
        order = sale['partner_order_id']
        window = refund_form(pos, order, '2000', '₩2,000')
        sandbox.fault('cancel', 'http500')
        sandbox.fault('order', 'delay', 1000, HOLD_MS)
        confirm(pos, ['Refund ₩2,000?'], window=window)
        wait_call(sandbox, sale, 'order!delay')
        assert [r['state'] for r in pos.refunds(order)] == ['REFUND_SENT']
        pos.crash()
        sandbox.clear_faults()

        pos.restart()
        wait_refund(pos, order, 'REFUND_FAILED')
        after = pos.sale(order)
        assert after['state'] == 'APPROVED' and after['refunded_amount'] == 0, after
        assert sandbox.status(sale['tid']) == 'SUCCESS_PAYMENT'
        check_calls(sandbox, sale, r'ready( order)* approve cancel!http-500( order!delay)+ order')


CASES = [
    test_crash_ready_sent,
    test_crash_awaiting_paid_after_restart,
    test_crash_awaiting_expires,
    test_expired_at_kakaopay,
    test_crash_awaiting_callbacks,
    test_crash_approving,
    test_crash_approve_reply_lost,
    test_crash_approve_not_processed,
    test_crash_during_recovery,
    ready_fault('delay'),
    ready_fault('http500'),
    ready_fault('malformed'),
    ready_fault('drop'),
    approve_fault('delay'),
    approve_fault('http500'),
    approve_fault('malformed'),
    approve_fault('drop'),
    approve_fault('decline'),
    order_fault('delay'),
    order_fault('http500'),
    order_fault('malformed'),
    order_fault('drop'),
    test_fault_order_after_lost_approve,
    test_abort_while_ready_in_flight,
    test_abort_then_paid_elsewhere,
    test_abort_then_authenticated_only,
    cancel_fault('delay'),
    cancel_fault('malformed'),
    cancel_fault('drop'),
    cancel_fault('http500'),
    test_crash_refund_sent,
    test_crash_refund_not_processed,
]

SKIPPED = []


def case_name(case):
    return case.__name__.replace('test_', '', 1).replace('_', '-')


def run_case(case):
    start = time.monotonic()
    try:
        case()
        return None, time.monotonic() - start
    except Exception as error:  # noqa: BLE001 - every failure is reported
        return error, time.monotonic() - start


def run_tap(cases):
    print('1..%d' % (len(cases) + len(SKIPPED)), flush=True)
    failed = 0
    n = 0
    for case in cases:
        n += 1
        error, seconds = run_case(case)
        if error is None:
            print('ok %d /kp/crash/%s # %.1f s' % (n, case_name(case), seconds), flush=True)
            continue
        failed += 1
        print('not ok %d /kp/crash/%s' % (n, case_name(case)), flush=True)
        for line in traceback.format_exception(type(error), error, error.__traceback__):
            for part in line.rstrip().splitlines():
                print('# ' + part, flush=True)
    for skipped in SKIPPED:
        n += 1
        print('ok %d /kp/crash/%s' % (n, skipped), flush=True)
    return 1 if failed else 0


def run_matrix(cases, runs):
    results = {case_name(c): [] for c in cases}
    details = []
    start = time.monotonic()
    for run in range(1, runs + 1):
        for case in cases:
            error, seconds = run_case(case)
            results[case_name(case)].append((error, seconds))
            mark = 'ok' if error is None else 'FAIL'
            print('# run %d %-36s %-4s %5.1f s' % (run, case_name(case), mark, seconds),
                  flush=True)
            if error is not None:
                details.append((run, case_name(case), error))
    width = max(len(name) for name in results)
    header = '%-*s  %s  %8s  %6s' % (width, 'case', '  '.join('r%-3d' % (i + 1)
                                                            for i in range(runs)),
                                    'failures', 'mean s')
    print(header)
    print('-' * len(header))
    total_failed = 0
    for name, outcomes in results.items():
        failed = sum(1 for error, _ in outcomes if error is not None)
        total_failed += failed
        mean = sum(s for _, s in outcomes) / len(outcomes)
        print('%-*s  %s  %5d/%-2d  %6.1f' % (
            width, name, '  '.join('%-4s' % ('ok' if e is None else 'FAIL') for e, _ in outcomes),
            failed, runs, mean))
    for skipped in SKIPPED:
        name, reason = skipped.split(' # SKIP ')
        print('%-*s  skipped: %s' % (width, name, reason))
    print('-' * len(header))
    print('%d cases × %d runs: %d failures, %.0f s' % (len(cases), runs, total_failed,
                                                        time.monotonic() - start))
    for run, name, error in details:
        print('# run %d %s: %s: %s' % (run, name, type(error).__name__,
                                        str(error).splitlines()[0] if str(error) else ''))
    return 1 if total_failed else 0


def main(argv):
    runs = 1
    only = None
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == '--runs':
            runs = int(args.pop(0))
        elif arg.startswith('--runs='):
            runs = int(arg.split('=', 1)[1])
        else:
            only = arg
    cases = [c for c in CASES if only is None or only in case_name(c)]
    xvfb = kpui.start_xvfb()
    try:
        if runs == 1:
            return run_tap(cases)
        return run_matrix(cases, runs)
    finally:
        xvfb.terminate()
        xvfb.wait()


if __name__ == '__main__':
    kpui.session()
    sys.exit(main(sys.argv[1:]))
