#!/usr/bin/env python3
"""Every command's --help and its page docs/commands/CMD.md name the same
options, and the usage line names every option the help describes.

    help_matches_docs.py PREVALENCE_BIN SOURCE_DIR

Options are the long `--name` words: in the help, those of the usage line
and of the option lines (indented lines that begin with an option); in the
page, those of its Synopsis and Options sections. Each option the help
describes must also be on its usage line. The global options (--db, --home,
--quiet, --help, --version) are documented once, in the README and
`prevalence --help`, and are left out of the comparison. A command without
a page fails too. Prints each difference; exit 1 on any.
"""
import os
import re
import subprocess
import sys

GLOBAL = {'--db', '--home', '--quiet', '--help', '--version'}
OPTION = re.compile(r'(?<![\w-])--[a-z][a-z0-9-]*')


def commands(binary):
    out = subprocess.run([binary, '--help'], capture_output=True, text=True, check=True).stdout
    names = []
    inside = False
    for line in out.splitlines():
        if line.startswith('Commands:'):
            inside = True
            continue
        if inside:
            m = re.match(r'  ([a-z]+) ', line)
            if not m:
                break
            names.append(m.group(1))
    return names


def usage_block(text):
    """The usage lines: from 'usage:' to the first blank line."""
    lines = []
    for line in text.splitlines():
        if line.startswith('usage:') or (lines and line.strip()):
            lines.append(line)
        elif lines:
            break
    return '\n'.join(lines)


def described(text):
    """Options the help describes: those on its option lines, the lines
    that begin (after indentation) with an option."""
    found = set()
    for line in text.splitlines():
        if re.match(r'\s+--[a-z]', line):
            head = line.strip().split('  ')[0]
            found |= set(OPTION.findall(head))
    return found


def doc_options(text):
    """Options the page names in its Synopsis and Options sections."""
    found = set()
    keep = False
    for line in text.splitlines():
        if line.startswith('## '):
            keep = line[3:].strip().lower() in ('synopsis', 'options')
            continue
        if keep:
            found |= set(OPTION.findall(line))
    return found


def main():
    binary, src = sys.argv[1], sys.argv[2]
    problems = []
    names = commands(binary)
    if not names:
        problems.append('no commands found in prevalence --help')
    for cmd in names:
        res = subprocess.run([binary, cmd, '--help'], capture_output=True, text=True)
        if res.returncode != 0:
            problems.append(f'{cmd}: --help exited {res.returncode}')
            continue
        help_opts = (described(res.stdout) | set(OPTION.findall(usage_block(res.stdout)))) - GLOBAL
        usage_opts = set(OPTION.findall(usage_block(res.stdout))) - GLOBAL
        page = os.path.join(src, 'docs', 'commands', cmd + '.md')
        if not os.path.exists(page):
            problems.append(f'{cmd}: no page docs/commands/{cmd}.md')
            continue
        with open(page, encoding='utf-8') as f:
            doc_opts = doc_options(f.read()) - GLOBAL
        for o in sorted(help_opts - doc_opts):
            problems.append(f'{cmd}: {o} is in --help but not in docs/commands/{cmd}.md')
        for o in sorted(doc_opts - help_opts):
            problems.append(f'{cmd}: {o} is in docs/commands/{cmd}.md but not in --help')
        for o in sorted(help_opts - usage_opts):
            problems.append(f'{cmd}: {o} is described in --help but missing from its usage line')
    for p in problems:
        print(p)
    print(f'help and docs: {len(names)} commands, {len(problems)} difference(s)')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
