#!/usr/bin/python3
# test-flatpak-manifest.py MANIFEST BUILDDIR APP_ID
#
# No Flatpak runtime can be fetched here, so the manifest is checked for what a build
# would trip on: the application id, a pinned GNOME runtime and its SDK, a command that
# meson installs, exactly the minimal sandbox permissions (the keyring through the Secret
# portal, no bus names), every module's sources either downloads pinned by a checksum or
# paths inside the tree, the application itself built from the tree with its tests, and
# no cleanup pattern that removes a file the program loads at run time (the payment page
# module).
#
# Copyright 2026 The KakaoPay POS authors
# SPDX-License-Identifier: GPL-3.0-or-later

import fnmatch
import json
import os
import re
import sys

FINISH_ARGS = {'--share=network', '--share=ipc', '--socket=wayland', '--socket=fallback-x11',
               '--device=dri'}
CHECKSUMS = ('sha256', 'sha512')
DOWNLOADS = ('archive', 'file')
BUILTIN_OPTIONS = {'buildtype', 'debug', 'optimization', 'werror', 'warning_level', 'prefix',
                   'libdir', 'default_library', 'strip', 'wrap_mode'}

problems = []


def check(condition, message):
    if not condition:
        problems.append(message)
    return condition


def check_sources(module, manifest_dir, top):
    name = module.get('name', '?')
    sources = module.get('sources')
    if not check(isinstance(sources, list) and sources, 'module %s has no sources' % name):
        return
    for source in sources:
        if isinstance(source, str):
            # A file of more sources, or of a whole module.
            path = os.path.normpath(os.path.join(manifest_dir, source))
            check(os.path.exists(path), 'module %s names %s, which does not exist' %
                  (name, source))
            continue
        kind = source.get('type')
        if kind in DOWNLOADS and 'url' in source:
            check(source['url'].startswith('https://'),
                  'module %s downloads over plain http: %s' % (name, source['url']))
            check(any(re.fullmatch(r'[0-9a-f]{64}|[0-9a-f]{128}', source.get(c, ''))
                      for c in CHECKSUMS),
                  'module %s: %s has no sha256/sha512 checksum' % (name, source['url']))
        elif kind == 'git':
            check(re.fullmatch(r'[0-9a-f]{40}', source.get('commit', '')) is not None,
                  'module %s: git source %s is not pinned to a commit' %
                  (name, source.get('url')))
        elif kind in ('dir', 'file', 'patch'):
            path = os.path.normpath(os.path.join(manifest_dir, source.get('path', '')))
            check(os.path.exists(path), 'module %s: %s does not exist (%s)' %
                  (name, source.get('path'), path))
            check(path == top or path.startswith(top + os.sep),
                  'module %s: %s is outside the source tree' % (name, source.get('path')))
        else:
            check(False, 'module %s: source type %r is neither a checksummed download nor '
                  'a local path' % (name, kind))


def installed_programs(build_dir):
    """The names of the programs meson installs into a bin directory."""
    with open(os.path.join(build_dir, 'meson-info', 'intro-installed.json')) as f:
        installed = json.load(f)
    return {os.path.basename(path) for path in installed.values()
            if os.path.basename(os.path.dirname(path)) == 'bin'}


def installed_modules(build_dir):
    """The modules meson installs beside the libraries (under LIBDIR/kakaopay-pos), as
    paths relative to the prefix."""
    with open(os.path.join(build_dir, 'meson-info', 'intro-installed.json')) as f:
        installed = json.load(f)
    with open(os.path.join(build_dir, 'meson-info', 'intro-buildoptions.json')) as f:
        prefix = next(o['value'] for o in json.load(f) if o['name'] == 'prefix')
    return ['/' + os.path.relpath(path, prefix) for path in installed.values()
            if os.path.basename(os.path.dirname(path)) == 'kakaopay-pos' and
            path.endswith('.so')]


def cleaned_up(path, patterns):
    """Whether flatpak-builder's cleanup @patterns remove @path (relative to /app): a
    pattern with a leading / is a path (or a folder) there, any other a file name."""
    for pattern in patterns:
        if pattern.startswith('/'):
            if fnmatch.fnmatch(path, pattern) or path.startswith(pattern.rstrip('/') + '/'):
                return True
        elif fnmatch.fnmatch(os.path.basename(path), pattern):
            return True
    return False


def main():
    manifest_path, build_dir, app_id = sys.argv[1:4]
    manifest_dir = os.path.dirname(os.path.abspath(manifest_path))
    top = os.path.dirname(manifest_dir)
    with open(manifest_path) as f:
        manifest = json.load(f)

    modules = manifest.get('modules', [])
    app = modules[-1] if modules and isinstance(modules[-1], dict) else {}
    config = app.get('config-opts', [])
    expected_id = app_id + ('.Devel' if '-Ddevelopment=true' in config else '')

    check(os.path.basename(manifest_path) == expected_id + '.json',
          'the manifest is not named after %s' % expected_id)
    check(manifest.get('id', manifest.get('app-id')) == expected_id,
          'id is %r, not %r' % (manifest.get('id', manifest.get('app-id')), expected_id))
    check(manifest.get('runtime') == 'org.gnome.Platform', 'runtime is not org.gnome.Platform')
    check(manifest.get('sdk') == 'org.gnome.Sdk', 'sdk is not org.gnome.Sdk')
    check(re.fullmatch(r'\d+', str(manifest.get('runtime-version', ''))) is not None,
          'runtime-version %r is not a pinned GNOME release' % manifest.get('runtime-version'))

    programs = installed_programs(build_dir)
    check(manifest.get('command') in programs,
          'command %r is not a program meson installs (%s)' %
          (manifest.get('command'), ', '.join(sorted(programs))))

    finish_args = manifest.get('finish-args', [])
    check(len(finish_args) == len(set(finish_args)), 'finish-args has duplicates')
    check(set(finish_args) == FINISH_ARGS,
          'finish-args are not exactly the minimal set: extra %s, missing %s' %
          (sorted(set(finish_args) - FINISH_ARGS), sorted(FINISH_ARGS - set(finish_args))))

    check(modules, 'no modules')
    for module in modules:
        if isinstance(module, str):
            path = os.path.normpath(os.path.join(manifest_dir, module))
            check(os.path.exists(path), 'module file %s does not exist' % module)
            continue
        check(bool(module.get('name')), 'a module has no name')
        check_sources(module, manifest_dir, top)

    check(app.get('name') == 'kakaopay-pos', 'the last module is not the application')
    check(app.get('buildsystem') == 'meson', 'the application is not built with meson')
    check(app.get('run-tests') is True, 'the application module does not run its tests')
    check([s.get('type') for s in app.get('sources', []) if isinstance(s, dict)] == ['dir'] and
          os.path.normpath(os.path.join(manifest_dir, app['sources'][0].get('path', ''))) == top,
          'the application is not built from the source tree (a "dir" source at "..")')
    options_file = os.path.join(top, 'meson_options.txt')
    with open(options_file) as f:
        known = set(re.findall(r"option\('([^']+)'", f.read()))
    for opt in config:
        match = re.fullmatch(r'-D([\w-]+)=.*', opt)
        if check(match is not None, 'config-opt %r is not -Dname=value' % opt):
            name = match.group(1)
            check(name in known or name in BUILTIN_OPTIONS or name.startswith(('b_', 'c_')),
                  'config-opt %s is neither a meson option nor one of meson_options.txt' %
                  name)

    cleanup = manifest.get('cleanup', []) + app.get('cleanup', [])
    for module in installed_modules(build_dir):
        check(not cleaned_up(module, cleanup),
              'the cleanup removes %s, which the program loads' % module)

    if problems:
        for problem in problems:
            print('FAIL: %s: %s' % (manifest_path, problem), file=sys.stderr)
        return 1
    print('PASS: %s: %s on %s//%s, %d modules' % (os.path.basename(manifest_path),
                                                   expected_id, manifest['runtime'],
                                                   manifest['runtime-version'], len(modules)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
