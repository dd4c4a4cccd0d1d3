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
import socket
import tempfile
import time
import sys

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

import kpui  # noqa: E402
from kpui import Pos, wait_until, within  # noqa: E402
from kpwindows import WindowsMixin, button  # noqa: E402


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
    with open(key_file, 'w') as f:
        f.write('DEV0123456789ABCDEF\n')
    return WordsPos(['--api-base', 'http://127.0.0.1:%d' % closed_port(),
                     '--secret-key-file', key_file, '--cid', 'TC0ONETIME'],
                    sandbox=False, language=language)


def extents(acc):
    rect = acc.get_extents(Atspi.CoordType.SCREEN)
    return rect.x, rect.y, rect.width, rect.height


def overlaps(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def charge_button(pos):
    for role, name, focused, acc in pos.widgets():
        if role == 'push button' and name.startswith(pos._('Charge %s') % ''):
            return acc
    for role, name, focused, acc in pos.widgets():
        if role == 'label' and name.startswith(pos._('Charge %s') % ''):
            parent = acc
            while parent is not None and parent.get_role_name() != 'push button':
                parent = parent.get_parent()
            return parent
    return None


def covering_charge(pos):
    """The texts on screen drawn over the Charge button (a pop-up message)."""
    button_acc = charge_button(pos)
    assert button_acc is not None, pos.texts()
    area = extents(button_acc)
    return [name for role, name, focused, acc in pos.widgets()
            if role == 'label' and name and not within(acc, button_acc) and
            overlaps(extents(acc), area)]


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


def main():
    return kpui.main([
        test_unreachable_says_what_to_do,
    ], sys.argv)


if __name__ == '__main__':
    sys.exit(main())
