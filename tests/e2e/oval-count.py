#!/usr/bin/env python3
# oval-count.py FILE: what an OVAL file should give, counted without airlock (python ElementTree):
# definitions, records (definitions not of class inventory), tests (distinct tests reachable from
# those through extend_definition; an Ubuntu CVE OVAL package test once per status comment of its
# criteria), index (distinct (definition, package name) pairs of
# rpminfo/dpkginfo tests whose object names packages by equality, constant_variable values
# expanded). Plain, .bz2, .xz or .gz. Used by oval.sh and to check test_feed_oval.c's numbers.
import sys, re, bz2, lzma, gzip, xml.etree.ElementTree as ET
def load(p):
    op = bz2.open if p.endswith('.bz2') else lzma.open if p.endswith('.xz') else gzip.open if p.endswith('.gz') else open
    with op(p, 'rb') as f:
        return ET.parse(f).getroot()
root = load(sys.argv[1])
loc = lambda e: e.tag.split('}')[-1]
byid = {}
for e in root.iter():
    if e.get('id'):
        byid[e.get('id')] = e
defs = [e for e in root.iter() if loc(e) == 'definition']
# Ubuntu's CVE OVAL gives a package's status in its criterion's comment ("X package in R is
# affected and needs fixing."): such a dpkginfo test is one row per distinct comment.
status = re.compile(r"^(\(CVE-[^)]*\) )?[^ :]+( package in [^ ,]+[ ,]| package does not exist in |: while )")
def tests_of(d, seen):
    out = []
    for e in d.iter():
        if loc(e) == 'criterion':
            c = (e.get('comment') or '').strip()
            ubuntu_status = d.get('class') == 'vulnerability' and \
                d.get('id', '').startswith('oval:com.ubuntu.') and \
                loc(byid[e.get('test_ref')]) == 'dpkginfo_test' and status.match(c)
            out.append((e.get('test_ref'), c if ubuntu_status else None))
        elif loc(e) == 'extend_definition' and e.get('definition_ref') not in seen:
            seen.add(e.get('definition_ref'))
            out += tests_of(byid[e.get('definition_ref')], seen)
    return out
def names(t):
    if loc(t) not in ('rpminfo_test', 'dpkginfo_test'):
        return []
    o = byid[[c for c in t if loc(c) == 'object'][0].get('object_ref')]
    n = [c for c in o if loc(c) == 'name'][0]
    if n.get('var_ref'):
        v = byid[n.get('var_ref')]
        return [x.text for x in v if loc(x) == 'value'] if loc(v) == 'constant_variable' else []
    if n.get('operation', 'equals') != 'equals' or not (n.text or '').strip():
        return []
    return [n.text.strip()]
real = [d for d in defs if d.get('class') != 'inventory']
tests = set(); pairs = 0
for d in real:
    ts = tests_of(d, set())
    tests |= set(ts)
    pairs += len(set(x for t, _ in ts for x in names(byid[t])))
print('definitions=%d records=%d tests=%d index=%d' % (len(defs), len(real), len(tests), pairs))
