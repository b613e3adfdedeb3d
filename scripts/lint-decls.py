#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the kernel code's header declarations are true.

For each module directory (kmod/, driver/), every function prototype and
extern declaration in its headers must
  a) have a definition in one of the directory's .c files,
  b) be declared in one header only,
  c) stand in the section of the file that defines it.

A header groups its declarations in sections, each opened by a line
    /* ---- file.c: title ------------------------------------------ */
("file.c" the defining file's name, ": title" optional).  A section whose
title names no .c file may hold types, macros and static inlines only.

Usage: scripts/lint-decls.py [DIR...]   (default: kmod driver)
Prints one "file:line: message" a finding; exits 1 if there was any.
"""
import os
import re
import sys

MARKER = re.compile(r'^/\* ---- (.*?) -+ \*/$')
FILE_TITLE = re.compile(r'^([A-Za-z0-9_]+\.c)(?::|$)')
IDENT = re.compile(r'[A-Za-z_]\w*')
# Attributes that take parentheses and may stand before a function's name.
ATTRS = {'__printf', '__scanf', '__attribute__', '__acquires', '__releases',
         '__must_hold', '__aligned', '__section', '__alias'}


def statements(path):
    """Yield (line, text, ended_by) for each top-level statement of a C file:
    ended_by is ';' or '{'.  Comments, strings and preprocessor lines are
    dropped; brace bodies are skipped (a body's text is not yielded)."""
    src = open(path, encoding='utf-8', errors='replace').read()
    i, n, line = 0, len(src), 1
    buf, start, depth, paren = [], None, 0, 0
    at_line_start = True
    while i < n:
        c = src[i]
        if c == '\n':
            line += 1
            at_line_start = True
            if depth == 0:
                buf.append(' ')
            i += 1
            continue
        if at_line_start and c == '#':
            # a preprocessor line, with its continuations
            while i < n:
                if src[i] == '\\' and i + 1 < n and src[i + 1] == '\n':
                    i += 2
                    line += 1
                    continue
                if src[i] == '\n':
                    break
                i += 1
            continue
        if not c.isspace():
            at_line_start = False
        if src.startswith('/*', i):
            j = src.find('*/', i + 2)
            j = n if j < 0 else j + 2
            line += src.count('\n', i, j)
            i = j
            if depth == 0:
                buf.append(' ')
            continue
        if src.startswith('//', i):
            j = src.find('\n', i)
            i = n if j < 0 else j
            continue
        if c in '"\'':
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == '\\' else 1
            i = j + 1
            if depth == 0:
                buf.append('""')
            continue
        if depth > 0:
            if c == '{':
                depth += 1
            elif c == '}':
                depth -= 1
            i += 1
            continue
        if c == '(':
            paren += 1
        elif c == ')':
            paren -= 1
        if c in ';{' and paren == 0:
            text = ''.join(buf).strip()
            yield start or line, text, c
            buf, start = [], None
            if c == '{':
                depth = 1
            i += 1
            continue
        if c == '}':
            i += 1
            continue
        if start is None and not c.isspace():
            start = line
        buf.append(c)
        i += 1


def top_level_parens(text):
    """Positions of '(' at parenthesis depth 0."""
    out, depth = [], 0
    for k, c in enumerate(text):
        if c == '(':
            if depth == 0:
                out.append(k)
            depth += 1
        elif c == ')':
            depth -= 1
    return out


def function_name(text):
    """The declared function's name, or None if text declares none."""
    for k in top_level_parens(text):
        before = text[:k].rstrip()
        m = re.search(r'([A-Za-z_]\w*)$', before)
        if not m:
            return None		# a function pointer: "(*name)(...)"
        if m.group(1) in ATTRS:
            continue
        return m.group(1)
    return None


def variable_name(text):
    text = text.split('=', 1)[0]
    text = text.split('[', 1)[0]
    words = [w for w in IDENT.findall(text) if not w.startswith('__')]
    return words[-1] if words else None


def definitions(cfiles):
    """name -> defining file, for functions and variables of .c files."""
    defs = {}
    for path in cfiles:
        base = os.path.basename(path)
        skip_to_semicolon = False
        for _, text, end in statements(path):
            if skip_to_semicolon:
                # the declarator list after a struct body, if any
                skip_to_semicolon = False
                if end == ';' and text and not text.startswith(('typedef',)):
                    name = variable_name(text)
                    if name:
                        defs.setdefault(name, base)
                continue
            if not text or text.startswith('typedef'):
                continue
            if end == '{':
                if '=' in text.split('(', 1)[0] or '=' in text and \
                        not top_level_parens(text.split('=', 1)[0]):
                    name = variable_name(text)
                elif top_level_parens(text):
                    name = function_name(text)
                else:
                    # struct/enum/union definition
                    skip_to_semicolon = True
                    continue
            else:
                if text.startswith('extern') or \
                        top_level_parens(text.split('=', 1)[0]):
                    continue	# a declaration or a macro call
                name = variable_name(text)
            if name:
                defs.setdefault(name, base)
    return defs


def header_decls(path):
    """(line, name, section) for each prototype and extern of a header;
    section is the .c file named by the marker in force, '' for a marker
    naming none, None before any marker."""
    sections = []
    with open(path, encoding='utf-8', errors='replace') as f:
        for num, raw in enumerate(f, 1):
            m = MARKER.match(raw.rstrip('\n'))
            if m:
                t = FILE_TITLE.match(m.group(1))
                sections.append((num, t.group(1) if t else ''))

    def section_at(line):
        cur = None
        for num, name in sections:
            if num > line:
                break
            cur = name
        return cur

    out = []
    after_body = False
    for line, text, end in statements(path):
        if after_body:
            after_body = False
            if end == ';':
                continue	# "} name;" or "};" after a struct body
        if end == '{':
            after_body = not top_level_parens(text)
            continue	# static inline body or type definition
        if not text or text.startswith(('typedef', 'static')):
            continue
        if text.startswith('extern') and not top_level_parens(text):
            name = variable_name(text[len('extern'):])
        else:
            name = function_name(text)
        if name:
            out.append((line, name, section_at(line)))
    return out


def check(directory):
    files = sorted(os.listdir(directory))
    cfiles = [os.path.join(directory, f) for f in files
              if f.endswith('.c') and not f.endswith('.mod.c')]
    hfiles = [os.path.join(directory, f) for f in files if f.endswith('.h')]
    defs = definitions(cfiles)
    findings = []
    declared = {}
    for h in hfiles:
        seen_here = set()
        for line, name, section in header_decls(h):
            where = '%s:%d' % (h, line)
            if name not in seen_here:
                declared.setdefault(name, []).append(where)
                seen_here.add(name)
            home = defs.get(name)
            if home is None:
                findings.append('%s: %s is declared but defined nowhere '
                                'in %s/' % (where, name, directory))
            elif section is None or section == '':
                findings.append('%s: %s is not under a file\'s section '
                                '(it is defined in %s)' % (where, name, home))
            elif section != home:
                findings.append('%s: %s is under %s\'s section but defined '
                                'in %s' % (where, name, section, home))
    for name, places in sorted(declared.items()):
        if len(places) > 1:
            findings.append('%s: %s is declared in %d headers (also %s)' %
                            (places[0], name, len(places),
                             ', '.join(places[1:])))
    return findings


def main():
    dirs = sys.argv[1:] or ['kmod', 'driver']
    findings = []
    for d in dirs:
        findings += check(d)
    for f in findings:
        print(f)
    return 1 if findings else 0


if __name__ == '__main__':
    sys.exit(main())
