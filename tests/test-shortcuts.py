#!/usr/bin/python3
# test-shortcuts.py SRCDIR
#
# The shortcuts window (src/pos/gtk/help-overlay.ui) lists every key the program binds:
# each action given accelerators in kp-application.c appears by its action name (the
# window then shows those very accelerators) or with each of its keys; each key the
# main window binds itself (kp-window*.c's shortcut controllers and key handlers) and
# each mnemonic of the entry bar appears as an accelerator; and every accelerator the
# window shows is one that something binds.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

problems = []

# Keys the window shows that no accelerator table holds: GTK's own (Tab, F10), the
# entry bar's and the cart's Enter, the paying page's and the other windows' keys
# (bound in their own sources: Ctrl+N in the catalog editor).
GTK_OR_ELSEWHERE = {
    'tab', 'return', 'escape', 'f10', '<alt>left', '<alt>right', '<alt>r', '<control>e',
    '<control>p', '<alt>c', '<control>n',
}

# The twins of a key (the keypad's, and = for + on keyboards where + needs Shift) are
# bound with it and not listed apart.
TWINS = {'kp_add': 'plus', 'kp_subtract': 'minus', 'kp_delete': 'delete', 'kp_up': 'up',
          'kp_down': 'down', 'kp_enter': 'return', 'iso_enter': 'return',
          'equal': 'plus'}


def normal(accel):
    """An accelerator as '<mod>…key', modifiers sorted, all lower case."""
    mods = sorted(m.lower() for m in re.findall(r'<(\w+)>', accel))
    key = re.sub(r'<\w+>', '', accel).strip().lower()
    key = TWINS.get(key, key)
    mods = ['control' if m in ('ctrl', 'primary') else m for m in mods]
    return ''.join('<%s>' % m for m in mods) + key


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def main(srcdir):
    pos = os.path.join(srcdir, 'src', 'pos')
    application = read(os.path.join(pos, 'kp-application.c'))
    window = ''.join(read(path)
                     for path in sorted(glob.glob(os.path.join(pos, 'kp-window*.c'))))
    entry_bar_ui = read(os.path.join(pos, 'kp-entry-bar.ui'))
    overlay = ET.parse(os.path.join(pos, 'gtk', 'help-overlay.ui'))

    shown_actions = set()
    shown_keys = set()
    for obj in overlay.iter('object'):
        if obj.get('class') != 'GtkShortcutsShortcut':
            continue
        props = {p.get('name'): (p.text or '') for p in obj.findall('property')}
        if 'action-name' in props:
            shown_actions.add(props['action-name'])
        for accel in props.get('accelerator', '').split():
            shown_keys.add(normal(accel))

    # The accelerator tables: name[] = { "...", ... }; then set_accels_for_action.
    tables = {name: re.findall(r'"([^"]+)"', body)
              for name, body in re.findall(r'static const char \*(\w+)\[\] = \{([^}]*)\}',
                                           application)}
    bound = set()
    for action, table in re.findall(r'set_accels_for_action \([^,]+,\s*"([\w.-]+)",\s*(\w+)\)',
                                    application):
        if table not in tables:
            problems.append('no table %s for %s' % (table, action))
            continue
        keys = [normal(a) for a in tables[table]]
        bound.update(keys)
        if action in shown_actions:
            continue
        missing = [k for k in keys if k not in shown_keys]
        if missing:
            problems.append('%s (%s) is not in the shortcuts window' %
                            (action, ', '.join(missing)))

    # The main window's own shortcut controllers.
    for key, mods in re.findall(r'add_shortcut \(\w+, GDK_KEY_(\w+), ([\w |]+),', window):
        accel = ''.join('<%s>' % m.split('_')[1].lower() for m in re.findall(r'GDK_\w+_MASK', mods)
                        if m != 'GDK_SHIFT_MASK')
        accel = normal(accel + key)
        bound.add(accel)
        if accel not in shown_keys:
            problems.append('%s (kp-window.c) is not in the shortcuts window' % accel)

    # Keys the entry bar handles itself.
    for key in re.findall(r'case GDK_KEY_(\w+):', window):
        accel = normal(key)
        bound.add(accel)
        if accel not in shown_keys:
            problems.append('%s (the item field) is not in the shortcuts window' % accel)

    # The entry bar's mnemonics: the tax-free box says its key, and the window lists it.
    match = re.search(r'id="tax_free_check".*?name="label" translatable="yes">([^<]+)<',
                      entry_bar_ui, re.S)
    if not match or '_' not in match.group(1) or '(Alt+T)' not in match.group(1):
        problems.append('the tax-free box shows no Alt+T: %r' % (match and match.group(1)))
    bound.add('<alt>t')
    if '<alt>t' not in shown_keys:
        problems.append('Alt+T (tax free) is not in the shortcuts window')

    # Everything shown is bound somewhere.
    for key in sorted(shown_keys - bound - GTK_OR_ELSEWHERE):
        problems.append('the shortcuts window shows %s, which nothing binds' % key)

    for keys in (('up', 'down', '<alt>up', '<alt>down'), ('plus', 'minus'),
                 ('<control>plus', '<control>minus'), ('delete', '<control>z')):
        for key in keys:
            if key not in shown_keys:
                problems.append('the cart key %s is not in the shortcuts window' % key)

    for problem in problems:
        print('FAIL: ' + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else '.'))
