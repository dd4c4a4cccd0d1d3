#!/usr/bin/python3
# test-screenshots.py SRCDIR
#
# The screenshots the AppStream metadata names are the ones in data/screenshots/: each
# image URL is the homepage's raw view of a file in the tree, the file is a PNG of the
# size the metadata states, at most 1280×800 and small, and no file there goes unnamed.
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import struct
import sys
import xml.etree.ElementTree as ET

MAX_WIDTH, MAX_HEIGHT = 1280, 800
MAX_BYTES = 300 * 1024
LANG = '{http://www.w3.org/XML/1998/namespace}lang'

problems = []


def check(condition, message):
    if not condition:
        problems.append(message)
    return condition


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    if head[:8] != b'\x89PNG\r\n\x1a\n' or head[12:16] != b'IHDR':
        return None
    return struct.unpack('>II', head[16:24])


def main():
    top = sys.argv[1]
    metainfo = os.path.join(top, 'data', 'io.github.kppos.KakaoPayPos.metainfo.xml.in')
    shots_dir = os.path.join(top, 'data', 'screenshots')
    root = ET.parse(metainfo).getroot()

    homepage = root.findtext("url[@type='homepage']")
    if not check(homepage is not None and homepage.startswith('https://'),
                 'no https homepage url'):
        return 1
    base = homepage.rstrip('/') + '/raw/main/'

    screenshots = root.findall('screenshots/screenshot')
    check(screenshots, 'no screenshots')
    check(sum(1 for s in screenshots if s.get('type') == 'default') == 1,
          'not exactly one default screenshot')
    named = set()
    for shot in screenshots:
        check(shot.findtext('caption', '').strip(), 'a screenshot has no caption')
        images = shot.findall('image')
        check(any(i.get(LANG) is None for i in images), 'a screenshot has no untranslated image')
        for image in images:
            url = (image.text or '').strip()
            if not check(url.startswith(base), '%s is not under %s' % (url, base)):
                continue
            relative = url[len(base):]
            path = os.path.join(top, relative)
            if not check(os.path.isfile(path), '%s names %s, which is not in the tree' %
                         (url, relative)):
                continue
            named.add(os.path.normpath(path))
            size = png_size(path)
            if not check(size is not None, '%s is not a PNG' % relative):
                continue
            stated = (int(image.get('width', 0)), int(image.get('height', 0)))
            check(size == stated, '%s is %dx%d, the metadata says %dx%d' %
                  (relative, size[0], size[1], stated[0], stated[1]))
            check(size[0] <= MAX_WIDTH and size[1] <= MAX_HEIGHT,
                  '%s is larger than %dx%d' % (relative, MAX_WIDTH, MAX_HEIGHT))
            check(os.path.getsize(path) <= MAX_BYTES, '%s is larger than %d KiB' %
                  (relative, MAX_BYTES // 1024))

    for name in sorted(os.listdir(shots_dir)):
        path = os.path.normpath(os.path.join(shots_dir, name))
        check(path in named, 'data/screenshots/%s is not named in the metadata' % name)

    if problems:
        for problem in problems:
            print('FAIL: ' + problem, file=sys.stderr)
        return 1
    print('PASS: %d screenshots, %d images' % (len(screenshots), len(named)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
