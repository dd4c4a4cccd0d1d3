# kpprinter.py: a receipt printer on the network, played over loopback TCP.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import socket
import threading

from kpui import PATIENCE, wait_until

STATUS_REQUEST = b'\x10\x04\x04'
# A status byte: fixed bits 0x12, no paper-out bits.
STATUS_PAPER_OK = b'\x12'


class Printer:
    """An ESC/POS printer on the network: takes jobs on @port (a free one if 0)."""

    def __init__(self, port=0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', port))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.jobs = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        data = b''
        answered = False
        with conn:
            conn.settimeout(PATIENCE)
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                data += chunk
                if not answered and data.startswith(STATUS_REQUEST):
                    conn.sendall(STATUS_PAPER_OK)
                    answered = True
        if data.startswith(STATUS_REQUEST):
            data = data[len(STATUS_REQUEST):]
        if data:
            with self.lock:
                self.jobs.append(data)

    def receipts(self):
        """Every job taken, as text (CP949; the printer's commands left in)."""
        with self.lock:
            return [job.decode('cp949', errors='replace') for job in self.jobs]

    def wait_receipt(self, count):
        """Until @count jobs were taken; returns the last one's text."""
        wait_until('receipt %d on the printer' % count, lambda: len(self.jobs) >= count)
        return self.receipts()[count - 1]

    def close(self):
        self.sock.close()


def closed_port():
    """A loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]
