#!/usr/bin/env python3
"""lookup-gen.py - inputs of bench/lookup.sh.

  lookup-gen.py status OUT STATUS...
      Concatenates the installed stanzas of real dpkg status files, keeping the
      first stanza of each package name, verbatim, into OUT; prints the count.

  lookup-gen.py tracker --status STATUS --codename CODENAME [--size-mb N]
                        [--packages N] [--seed N] -o OUT
      Writes a Debian security tracker JSON of full size (default ~75 MB,
      6,000 source packages: see bench/README.md for the shape and why) in
      which every source package of STATUS appears, with CODENAME entries
      built from the installed source versions (some fixed below them, some
      above, open, undetermined, not affected), among many other packages.
      Deterministic for a given seed and STATUS. Prints the counts on stderr.

Only the Python standard library is used.
"""
import argparse
import json
import math
import random
import re
import sys

# Releases the real tracker lists (2024-2025), oldest first.
RELEASES = ["buster", "bullseye", "bookworm", "trixie", "sid"]
# A few source packages that carry most entries in the real tracker, with an
# approximate entry count each; the rest follow a log-normal distribution.
GIANTS = {
    "linux": 11000, "chromium": 3200, "firefox-esr": 1900, "thunderbird": 1500,
    "qemu": 900, "wireshark": 850, "imagemagick": 800, "webkit2gtk": 700,
    "php8.2": 600, "tcpdump": 450, "openjdk-17": 400, "mysql-8.0": 900,
    "mariadb": 500, "xen": 450, "binutils": 400, "tiff": 250,
}
WORDS = ("a an the in of to via allows remote local attackers attacker user users cause "
         "denial service crash memory corruption buffer overflow heap stack out-of-bounds "
         "read write use-after-free null pointer dereference integer crafted file request "
         "packet input function component module library before version versions through "
         "and or arbitrary code execution information disclosure privilege escalation "
         "certificate validation bypass injection cross-site scripting sql command path "
         "traversal race condition leak improper handling parsing archive image font "
         "header length check missing authentication server client network protocol").split()
URGENCY = [("not yet assigned", 45), ("unimportant", 15), ("low", 17), ("low**", 3),
           ("medium", 11), ("medium**", 1), ("high", 5), ("high**", 1), ("end-of-life", 2)]


def stanzas(text):
    for block in re.split(r"\n\s*\n", text):
        block = block.strip("\n")
        if block:
            yield block


def field(stanza, name):
    m = re.search(r"^%s:[ \t]*(.*)$" % re.escape(name), stanza, re.M)
    return m.group(1).strip() if m else None


def cmd_status(args):
    seen, out = set(), []
    for path in args.inputs:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for st in stanzas(f.read()):
                name, status = field(st, "Package"), field(st, "Status")
                if name is None or status != "install ok installed" or name in seen:
                    continue
                seen.add(name)
                out.append(st)
    with open(args.out, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write("\n\n".join(out) + "\n")
    print(len(out))


def image_sources(path):
    """{source name: source version} of the installed packages of a dpkg status."""
    src = {}
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for st in stanzas(f.read()):
            name, ver = field(st, "Package"), field(st, "Version")
            s = field(st, "Source")
            sname, sver = name, ver
            if s:
                m = re.match(r"^(\S+)(?:\s+\((\S+)\))?$", s)
                sname = m.group(1)
                if m.group(2):
                    sver = m.group(2)
            src.setdefault(sname, sver)
    return src


def bump(version, delta):
    """version with its last digit run moved by delta (+1 above, -1 below)."""
    runs = list(re.finditer(r"\d+", version))
    for m in reversed(runs):
        n = int(m.group(0)) + delta
        if n >= 0:
            return version[:m.start()] + str(n) + version[m.end():]
    return version + ("+1" if delta > 0 else "~1")


def fake_version(rng, rel):
    v = "%d.%d.%d-%d" % (rng.randint(0, 9), rng.randint(0, 30), rng.randint(0, 20),
                         rng.randint(1, 6))
    if rel in ("buster", "bullseye", "bookworm") and rng.random() < 0.4:
        v += "+deb%su%d" % ({"buster": 10, "bullseye": 11, "bookworm": 12}[rel],
                             rng.randint(1, 9))
    if rng.random() < 0.05:
        v = "%d:%s" % (rng.randint(1, 3), v)
    return v


def pick(rng, table):
    total = sum(w for _, w in table)
    x = rng.uniform(0, total)
    for v, w in table:
        x -= w
        if x <= 0:
            return v
    return table[-1][0]


def description(rng):
    n = max(8, int(rng.lognormvariate(3.6, 0.5)))		# median ~37 words
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def release_entry(rng, rel, codename, installed):
    """One release's record; installed is the image's source version on codename."""
    e = {}
    if rel == codename and installed is not None:
        x = rng.random()
        if x < 0.58:
            e["status"], e["fixed_version"] = "resolved", bump(installed, -1)
        elif x < 0.70:
            e["status"], e["fixed_version"] = "resolved", "0"
        elif x < 0.75:
            e["status"], e["fixed_version"] = "resolved", bump(installed, +1)
        elif x < 0.98:
            e["status"] = "open"
        else:
            e["status"] = "undetermined"
        repo = installed
    else:
        x = rng.random()
        repo = fake_version(rng, rel)
        if x < 0.72:
            e["status"], e["fixed_version"] = "resolved", fake_version(rng, rel)
        elif x < 0.82:
            e["status"], e["fixed_version"] = "resolved", "0"
        elif x < 0.985:
            e["status"] = "open"
        else:
            e["status"] = "undetermined"
    e["repositories"] = {rel: repo}
    if rel != "sid" and rng.random() < 0.3:
        e["repositories"][rel + "-security"] = repo
    e["urgency"] = pick(rng, URGENCY)
    if e["status"] == "open" and rel != "sid":
        y = rng.random()
        if y < 0.35:
            e["nodsa"] = "Minor issue"
        elif y < 0.45:
            e["nodsa"] = "Minor issue"
            e["nodsa_reason"] = "ignored"
        elif y < 0.55:
            e["nodsa_reason"] = "postponed"
    return e


def cmd_tracker(args):
    rng = random.Random(args.seed)
    img = image_sources(args.status)
    names = sorted(img)
    # the other source packages: names shaped like Debian's (lib*, *-perl, python-*)
    shapes = ["lib%s", "%s", "python-%s", "lib%s-perl", "golang-%s", "node-%s", "r-cran-%s",
              "%s-tools", "ruby-%s", "%s"]
    others, taken = [], set(names) | set(GIANTS)
    while len(others) + len(set(names) | set(GIANTS)) < args.packages:
        stem = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
        n = rng.choice(shapes) % stem
        if n not in taken:
            taken.add(n)
            others.append(n)
    allpk = sorted(set(names) | set(GIANTS) | set(others))

    # entries per package: log-normal (median 6), giants as listed; then scaled so
    # that the file comes out near --size-mb (about 800 bytes an entry, measured below)
    counts = {p: GIANTS.get(p) or max(1, int(rng.lognormvariate(math.log(6), 1.25)))
              for p in allpk}

    def entry_bytes():
        r = random.Random(1)
        sample = {"CVE-2020-%05d" % k: {
            "scope": "remote", "description": description(r), "debianbug": 1000000,
            "releases": {rel: release_entry(r, rel, None, None)
                         for rel in RELEASES if r.random() < 0.8}} for k in range(2000)}
        return len(json.dumps(sample, separators=(",", ":"))) / 2000.0

    target = args.size_mb * 1e6 / entry_bytes()
    scale = target / sum(counts.values())
    counts = {p: max(1, int(round(c * scale))) if p not in GIANTS else c
              for p, c in counts.items()}

    # a pool of CVE ids: about 1.6 entries per id (many CVEs hit several packages)
    npool = int(sum(counts.values()) / 1.6)
    pool = set()
    while len(pool) < npool:
        y = rng.randint(1999, 2025)		# five-digit sequence numbers from 2014 on
        pool.add("CVE-%d-%04d" % (y, rng.randint(1, 59999 if y >= 2014 else 9999)))
    pool = sorted(pool)
    desc = {}
    nentries = nrows = 0
    out = open(args.out, "w", encoding="utf-8")
    out.write("{")
    for pi, p in enumerate(allpk):
        inst = img.get(p)
        # the releases this package exists in: every one for the image's packages
        if inst is not None:
            rels = RELEASES
        else:
            first = rng.choice([0, 0, 0, 1, 1, 2, 3])
            rels = RELEASES[first:]
            if rng.random() < 0.15:		# removed before the newest releases
                rels = rels[:max(1, len(rels) - 2)]
        vulns = {}
        for _ in range(min(counts[p], len(pool))):
            if rng.random() < 0.02:
                vid = "TEMP-%07d-%06X" % (rng.randint(0, 1100000), rng.randint(0, 0xFFFFFF))
            else:
                vid = rng.choice(pool)
            if vid in vulns:
                continue
            if vid not in desc:
                desc[vid] = description(rng)
            v = {"scope": rng.choice(["local", "remote"]), "description": desc[vid]}
            if rng.random() < 0.3:
                v["debianbug"] = rng.randint(100000, 1100000)
            v["releases"] = {rel: release_entry(rng, rel, args.codename, inst)
                             for rel in rels}
            vulns[vid] = v
            nrows += len(rels)
        nentries += len(vulns)
        if pi:
            out.write(",")
        out.write(json.dumps(p) + ":" + json.dumps(vulns, separators=(",", ":")))
    out.write("}\n")
    size = out.tell()
    out.close()
    print("lookup-gen: %s: %.1f MB, %d source packages (%d of them the image's), "
          "%d package/vulnerability entries, %d distinct ids, %d release records" %
          (args.out, size / 1e6, len(allpk), len(names), nentries, len(desc), nrows),
          file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("status")
    s.add_argument("out")
    s.add_argument("inputs", nargs="+")
    t = sub.add_parser("tracker")
    t.add_argument("--status", required=True)
    t.add_argument("--codename", required=True)
    t.add_argument("--size-mb", type=float, default=75)
    t.add_argument("--packages", type=int, default=6000)
    t.add_argument("--seed", type=int, default=6)
    t.add_argument("-o", "--out", required=True)
    args = ap.parse_args()
    {"status": cmd_status, "tracker": cmd_tracker}[args.cmd](args)


if __name__ == "__main__":
    main()
