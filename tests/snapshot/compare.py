#!/usr/bin/env python3
"""Compare a fresh run of make_outputs.sh with the committed outputs.

    compare.py EXPECTED ACTUAL

Every file must be byte-identical except for the build's `git describe`
(it changes with every commit): it is masked in both trees, and the
export bundle's MANIFEST.sha256 is checked against the files it lists
instead of byte for byte. Prints each difference and exits 1 on any.
"""
import difflib
import hashlib
import os
import re
import sys

MASKS = [
    (re.compile(rb'"git_commit": "[^"]*"'), rb'"git_commit": "GIT"'),
    (re.compile(rb'\(prevalence ([0-9.]+), [^)]*\)'), rb'(prevalence \1, GIT)'),
    (re.compile(rb'by prevalence ([0-9.]+) \([^)]*\)'), rb'by prevalence \1 (GIT)'),
]


def mask(data):
    for pattern, replacement in MASKS:
        data = pattern.sub(replacement, data)
    return data


def files(root):
    out = set()
    for d, _, names in os.walk(root):
        for n in names:
            out.add(os.path.relpath(os.path.join(d, n), root))
    return out


def check_manifest(root, rel):
    """The bundle's manifest must hold the sha256 of each file beside it."""
    problems = []
    folder = os.path.dirname(os.path.join(root, rel))
    listed = []
    with open(os.path.join(root, rel), encoding='utf-8') as f:
        for line in f:
            digest, name = line.rstrip('\n').split(None, 1)
            name = name.lstrip('*')
            listed.append(name)
            with open(os.path.join(folder, name), 'rb') as g:
                if hashlib.sha256(g.read()).hexdigest() != digest:
                    problems.append(f'{rel}: {name} does not match its sha256')
    return problems, sorted(listed)


def main():
    expected, actual = sys.argv[1], sys.argv[2]
    fe, fa = files(expected), files(actual)
    problems = []
    for name in sorted(fe - fa):
        problems.append(f'missing: {name}')
    for name in sorted(fa - fe):
        problems.append(f'new file: {name}')
    for name in sorted(fe & fa):
        if os.path.basename(name) == 'MANIFEST.sha256':
            pa, la = check_manifest(actual, name)
            _, le = check_manifest(expected, name)
            problems += pa
            if la != le:
                problems.append(f'{name}: lists {la}, expected {le}')
            continue
        with open(os.path.join(expected, name), 'rb') as f:
            e = mask(f.read())
        with open(os.path.join(actual, name), 'rb') as f:
            a = mask(f.read())
        if e != a:
            diff = difflib.unified_diff(
                e.decode('utf-8', 'replace').splitlines(),
                a.decode('utf-8', 'replace').splitlines(),
                'expected/' + name, 'actual/' + name, lineterm='', n=1)
            problems.append('differs: ' + name + '\n' + '\n'.join(list(diff)[:20]))
    for p in problems:
        print(p)
    print(f'{len(fe & fa)} files compared, {len(problems)} difference(s)')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
