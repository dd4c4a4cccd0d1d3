# kpsandbox.py: KakaoPay as a separate `kakaopay-sandbox` process, for the ui tests and
# the benchmarks: its control interface injects faults, plays the customer, moves the
# clock and tells what it was asked.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request

import kpui
from kpui import PATIENCE, child_env, stop


def program():
    """The build's kakaopay-sandbox: KP_SANDBOX, or beside KP_POS in the build tree."""
    return os.environ.get('KP_SANDBOX') or os.path.join(
        os.path.dirname(os.path.dirname(kpui.POS)), 'sandbox', 'kakaopay-sandbox')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Sandbox:
    """A kakaopay-sandbox process on a loopback port it picks itself, with a secret key
    of its own in a private file (as kakaopay-pos requires of --secret-key-file).

    control: the /_sandbox/ interface (faults, customer, clock, requests); tid_ttl: the
    tid lifetime in seconds; public_url: where its payment pages say they are."""

    def __init__(self, control=True, tid_ttl=None, public_url=None, prefix='kp-sandbox-'):
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.key = 'DEV' + secrets.token_hex(20).upper()[:37]
        self.key_file = os.path.join(self.dir, 'key')
        with open(os.open(self.key_file, os.O_WRONLY | os.O_CREAT, 0o600), 'w') as f:
            f.write(self.key + '\n')
        argv = [program(), '--listen', '127.0.0.1:0', '--key-file', self.key_file]
        if control:
            argv += ['--control', '--log-requests=' + os.path.join(self.dir, 'requests.jsonl')]
        if tid_ttl is not None:
            argv += ['--tid-ttl', str(tid_ttl)]
        if public_url is not None:
            argv += ['--public-url', public_url]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, env=child_env())
        first = self.proc.stdout.readline()
        match = re.search(r'listening on (http://\S+)', first)
        if match is None:
            rest = self.proc.stdout.read()
            self.close()
            raise RuntimeError('kakaopay-sandbox did not start: ' + first + rest)
        self.url = match.group(1)

    def close(self):
        stop(self.proc)
        self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def pos_args(self, callback_port=None):
        """kakaopay-pos's options for this KakaoPay, its approval listener on
        @callback_port (a free one if None)."""
        return ['--api-base', self.url, '--secret-key-file', self.key_file,
                '--callback-listen', '127.0.0.1:%d' % (callback_port or free_port())]

    def _call(self, method, name, fields=None):
        data = urllib.parse.urlencode(fields).encode() if method == 'POST' else None
        url = self.url + '/_sandbox/' + name
        if method == 'GET' and fields:
            url += '?' + urllib.parse.urlencode(fields)
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=data),
                                        timeout=PATIENCE) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def fault(self, endpoint, fault, n=1, delay_ms=0):
        status, body = self._call('POST', 'fault', {'endpoint': endpoint, 'fault': fault,
                                                    'n': n, 'delay_ms': delay_ms})
        assert status == 200, body

    def clear_faults(self):
        for endpoint in ('ready', 'approve', 'order', 'cancel'):
            self.fault(endpoint, 'none', 0)

    def act(self, tid, action, method='MONEY'):
        """The customer on the payment page; returns the control reply."""
        status, body = self._call('POST', 'customer', {'tid': tid, 'action': action,
                                                       'method': method})
        assert status == 200, (status, body)
        return body

    def status(self, tid):
        status, body = self._call('GET', 'status', {'tid': tid})
        assert status == 200, body
        return body['status']

    def requests(self):
        status, body = self._call('GET', 'requests')
        assert status == 200, body
        return body

    def endpoints(self, tid):
        """The API calls about the payment @tid, oldest first ("ready", "cancel", …)."""
        return [r['endpoint'] for r in self.requests() if r['tid'] == tid]

    def advance_clock(self, seconds):
        """Moves KakaoPay's clock (tid expiry) by @seconds."""
        status, body = self._call('POST', 'clock', {'seconds': seconds})
        assert status == 200, body

    def approve_elsewhere(self, sale, pg_token):
        """Approve reaching KakaoPay from somewhere else than this terminal (another
        device holding the same pg_token): the only way a sale the cashier gave up on
        can end paid, as the terminal itself never approves it."""
        body = json.dumps({'cid': sale['cid'], 'tid': sale['tid'],
                           'partner_order_id': sale['partner_order_id'],
                           'partner_user_id': sale['partner_user_id'],
                           'pg_token': pg_token}).encode()
        request = urllib.request.Request(self.url + '/online/v1/payment/approve', data=body,
                                         headers={'Authorization': 'SECRET_KEY ' + self.key,
                                                  'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=PATIENCE) as reply:
            return json.loads(reply.read())
