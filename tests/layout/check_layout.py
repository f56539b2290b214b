#!/usr/bin/env python3
"""The layering of libprevalence, checked from the #include lines.

    check_layout.py [SOURCE_ROOT]

Reads the quoted #include lines of every .c and .h in the product's
folders and fails, naming file and line, when
  - a file includes a private header of another module (outside its own
    module a file may include only that module's public header: for
    collector, db, analysis, report and synth the header named after the
    folder; every header of common/ is public, a toolkit of leaves);
  - a module includes a module that is not below it in the one direction
        front ends (cli, web) -> report -> analysis -> db -> common
        front ends -> collector -> db -> common;   synth -> common
  - an include names a header that no product folder has, or a header
    name is used by two folders (bare names must resolve to one file);
  - files form a cycle of includes;
  - a file of analysis/ (statistics only) writes: fprintf/fputs/fwrite/
    putc, a file opened for writing, atomic_file.h, or HTML/SVG markup.
Exit 0 and one summary line when the layout holds; 1 with one line per
problem otherwise.
"""
import os
import re
import sys

# module -> the modules it may include (besides itself)
ALLOWED = {
    'common': set(),
    'db': {'common'},
    'collector': {'db', 'common'},
    'analysis': {'db', 'common'},
    'report': {'analysis', 'db', 'common'},
    'synth': {'common'},
    # cli/cmd_serve.c starts the web service through web.h, its one public
    # header; web never includes cli.
    'cli': {'web', 'report', 'analysis', 'collector', 'db', 'synth', 'common'},
    'web': {'report', 'analysis', 'collector', 'db', 'synth', 'common'},
}
LIBRARY = ['common', 'db', 'collector', 'analysis', 'report', 'synth']
FRONT_ENDS = ['cli', 'web']
# headers made by the build, at the build root or in a front end's folder
GENERATED = {'prev_config.h': None, 'prev_git.h': 'cli'}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
# what a file of analysis/ may not contain: output is report/'s
ANALYSIS_WRITES = re.compile(
    r'\b(fprintf|fputs|fputc|fwrite|putc|vfprintf|open_memstream)\s*\('
    r'|\bfopen\s*\([^;]*"[wa]'
    r'|#\s*include\s+"atomic_file\.h"'
    r'|"[^"]*</?(svg|html|table|tr|td|div|p|span|path|text|g|rect|line)[\s>/]')


def public_headers(module, headers):
    if module == 'common':
        return set(headers)
    return {module + '.h'}


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.getcwd()
    modules = [m for m in LIBRARY + FRONT_ENDS if os.path.isdir(os.path.join(root, m))]
    owner = {}          # header name -> module
    files = []          # (module, relative path)
    problems = []
    for m in modules:
        for name in sorted(os.listdir(os.path.join(root, m))):
            if not name.endswith(('.c', '.h')):
                continue
            files.append((m, f'{m}/{name}'))
            if m == 'analysis':
                with open(os.path.join(root, m, name), encoding='utf-8') as f:
                    for lineno, line in enumerate(f, 1):
                        if ANALYSIS_WRITES.search(line):
                            problems.append(f'{m}/{name}:{lineno}: analysis/ computes and does '
                                            'not write (files, HTML and SVG are report/\'s)')
            if name.endswith('.h'):
                if name in owner:
                    problems.append(f'{m}/{name}: header name also used by {owner[name]}/{name}')
                owner[name] = m
    headers_of = {m: [h for h, o in owner.items() if o == m] for m in modules}
    edges = {}          # file -> [(line, included file)]
    for m, rel in files:
        edges[rel] = []
        with open(os.path.join(root, rel), encoding='utf-8') as f:
            for lineno, line in enumerate(f, 1):
                hit = INCLUDE.match(line)
                if not hit:
                    continue
                name = hit.group(1)
                where = f'{rel}:{lineno}'
                if name in GENERATED:
                    gen_owner = GENERATED[name]
                    if gen_owner is not None and gen_owner != m:
                        problems.append(f'{where}: includes {name}, generated for {gen_owner}/ only')
                    continue
                if '/' in name or name not in owner:
                    problems.append(f'{where}: includes "{name}", which no product folder has '
                                    '(includes name a header of common, db, collector, analysis, '
                                    'report or synth by its bare name)')
                    continue
                target = owner[name]
                edges[rel].append((lineno, f'{target}/{name}'))
                if target == m:
                    continue
                if target not in ALLOWED.get(m, set()):
                    problems.append(f'{where}: {m}/ includes {target}/{name}, but {m} may not '
                                    f'depend on {target} (front ends -> report -> analysis -> db '
                                    '-> common; collector -> db -> common; synth -> common)')
                elif name not in public_headers(target, headers_of[target]):
                    problems.append(f'{where}: includes {target}/{name}, a private header of '
                                    f'{target}/; include {target}/{target}.h instead')
    # cycles among files (depth-first search, each cycle reported once)
    state = {}
    stack = []
    reported = set()

    def visit(node):
        state[node] = 1
        stack.append(node)
        for lineno, nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    problems.append(f'{node}:{lineno}: include cycle: ' + ' -> '.join(cycle))
            elif nxt in edges and state.get(nxt) is None:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if state.get(node) is None:
            visit(node)
    for p in problems:
        print(p)
    nincl = sum(len(v) for v in edges.values())
    print(f'layout: {len(files)} files, {nincl} includes, {len(problems)} problem(s)')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
