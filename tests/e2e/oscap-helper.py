#!/usr/bin/env python3
"""oscap-helper.py - test tooling for tests/e2e/oscap.sh (OpenSCAP agreement); not the scanner.

  unpack IMAGE DIR        the image's final root filesystem in DIR: a docker-archive, an OCI
                          archive or Docker 25+'s layout; layers applied in order, each layer's
                          .wh.NAME and .wh..wh..opq whiteouts removing what lower layers wrote
  srcdb DIR BINMAP        rewrites DIR/var/lib/dpkg/status into one stanza per SOURCE package at
                          its source version (what Debian's OVAL names); prints "name<TAB>version",
                          writes "binary<TAB>source" per installed package to BINMAP
  lower DEFS STATUS POS   STATUS (a dpkg database) as built from older sources (see cmd_lower)
  pairs DEFS RESULTS SRCS "CVE<TAB>source" for the definitions oscap found true, after checking
                          that oscap saw every source in SRCS (srcdb's output) and the release

Source names and versions come from dpkg-query (${source:Package}, ${source:Version}: binNMU
aware), not from code of ours. Errors are fatal: a test must not pass on what it did not check.
"""
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET

OVAL = "{http://oval.mitre.org/XMLSchema/oval-definitions-5}"
LINUX = "{http://oval.mitre.org/XMLSchema/oval-definitions-5#linux}"
IND = "{http://oval.mitre.org/XMLSchema/oval-definitions-5#independent}"
RES = "{http://oval.mitre.org/XMLSchema/oval-results-5}"
LINUX_SC = "{http://oval.mitre.org/XMLSchema/oval-system-characteristics-5#linux}"

# dpkg's Status words whose package has its files on disk (dpkg(1) "Package states"): every state
# but not-installed and config-files. The rewritten database keeps those packages' sources.
PRESENT = {"installed", "triggers-pending", "triggers-awaited", "half-configured", "unpacked",
           "half-installed"}
# extraction filters (Python 3.11.4+) off where they exist: we check names ourselves
TRUSTED = {"filter": "fully_trusted"} if hasattr(tarfile, "fully_trusted_filter") else {}


def die(msg):
    sys.exit("oscap-helper: " + msg)


# --- unpack ----------------------------------------------------------------------------------

def open_layer(path):
    """A layer blob as a tarfile: plain, gzip (python) or zstd (the zstd tool)."""
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic == b"\x28\xb5\x2f\xfd":
        data = subprocess.run(["zstd", "-dcq", path], check=True, stdout=subprocess.PIPE).stdout
        return tarfile.open(fileobj=io.BytesIO(data), mode="r:")
    return tarfile.open(path, mode="r:*")


def layer_paths(top):
    """Layer files, bottom first, of the (only) image in the unpacked archive TOP."""
    if os.path.exists(os.path.join(top, "manifest.json")):
        with open(os.path.join(top, "manifest.json")) as f:
            m = json.load(f)
        if len(m) != 1:
            die("%d images in manifest.json, want 1" % len(m))
        return [os.path.join(top, p) for p in m[0]["Layers"]]

    def blob(digest):
        alg, hexd = digest.split(":", 1)
        return os.path.join(top, "blobs", alg, hexd)

    with open(os.path.join(top, "index.json")) as f:
        desc = json.load(f)["manifests"]
    while True:
        if len(desc) != 1:
            die("%d manifests in the OCI index, want 1" % len(desc))
        with open(blob(desc[0]["digest"])) as f:
            doc = json.load(f)
        if "manifests" in doc:          # a nested index
            desc = doc["manifests"]
            continue
        return [blob(l["digest"]) for l in doc["layers"]]


def safe_rel(name):
    """A member name as a relative path inside the root, or None for the root itself."""
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        die("member name with '..': %r" % name)
    return "/".join(parts) if parts else None


def no_symlink_parent(root, rel):
    """Refuses a path whose parent directories inside ROOT include a symlink: extracting through
    one could write outside ROOT (image layers store real paths, never paths through links)."""
    cur = root
    for p in rel.split("/")[:-1]:
        cur = os.path.join(cur, p)
        if os.path.islink(cur):
            die("member %r goes through the symlink %r" % (rel, cur))


def remove(path):
    if os.path.islink(path) or not os.path.isdir(path):
        os.unlink(path)
    else:
        shutil.rmtree(path)


def apply_layer(tf, root):
    members = tf.getmembers()
    # whiteouts first: they hide what LOWER layers wrote, never this layer's own entries
    for m in members:
        rel = safe_rel(m.name)
        if rel is None:
            continue
        d, base = os.path.split(rel)
        if not base.startswith(".wh."):
            continue
        no_symlink_parent(root, rel)
        dpath = os.path.join(root, d)
        if base == ".wh..wh..opq":
            if os.path.isdir(dpath) and not os.path.islink(dpath):
                for e in os.listdir(dpath):
                    remove(os.path.join(dpath, e))
        else:
            victim = os.path.join(dpath, base[4:])
            if os.path.lexists(victim):
                remove(victim)
    for m in members:
        rel = safe_rel(m.name)
        if rel is None or os.path.basename(rel).startswith(".wh."):
            continue
        if m.ischr() or m.isblk() or m.isfifo():
            continue                    # device nodes: nothing a package scan reads
        no_symlink_parent(root, rel)
        dest = os.path.join(root, rel)
        if m.islnk():
            target = safe_rel(m.linkname)
            if target is None:
                die("hard link to the root: %r" % m.name)
            no_symlink_parent(root, target)
            m.linkname = target
        # a later layer replaces a file (or a directory by a non-directory) outright
        if os.path.lexists(dest) and not (m.isdir() and os.path.isdir(dest)
                                          and not os.path.islink(dest)):
            remove(dest)
        m.name = rel
        # names were checked above; tarfile's own filters would also drop absolute symlinks
        tf.extract(m, root, numeric_owner=True, **TRUSTED)


def cmd_unpack(image, root):
    os.makedirs(root, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(root))) as top:
        with tarfile.open(image, mode="r:*") as outer:
            for m in outer.getmembers():
                if safe_rel(m.name) is None or not (m.isfile() or m.isdir()):
                    continue
                m.name = safe_rel(m.name)
                outer.extract(m, top, set_attrs=False, **TRUSTED)
        layers = layer_paths(top)
        for lp in layers:
            with open_layer(lp) as tf:
                apply_layer(tf, root)
    # directories extracted read-only would stop the caller's rm -rf
    for d, dirs, _ in os.walk(root):
        for x in dirs:
            p = os.path.join(d, x)
            if not os.path.islink(p):
                os.chmod(p, stat.S_IMODE(os.lstat(p).st_mode) | 0o700)
    print("%s: %d layers" % (os.path.basename(image), len(layers)))


# --- srcdb -----------------------------------------------------------------------------------

def stanzas(text):
    return [s for s in re.split(r"\n[ \t]*\n", text.strip("\n")) if s.strip()]


def cmd_srcdb(root, binmap):
    admin = os.path.join(root, "var/lib/dpkg")
    status = os.path.join(admin, "status")
    parts = []
    if os.path.exists(status):
        with open(status, encoding="utf-8") as f:
            parts += stanzas(f.read())
    # distroless: one stanza per file in status.d/, without a Status field (every one of them is
    # installed); dpkg-query reads only a status file, so they join it with that Status added
    sd = os.path.join(admin, "status.d")
    if os.path.isdir(sd):
        for name in sorted(os.listdir(sd)):
            with open(os.path.join(sd, name), "rb") as f:
                text = f.read()
            if not text.startswith(b"Package:"):   # NAME.md5sums, NAME.preinst, ...
                continue
            for s in stanzas(text.decode("utf-8")):
                if not re.search(r"^Status:", s, re.M):
                    s = re.sub(r"^(Package:.*)$", r"\1\nStatus: install ok installed", s,
                               count=1, flags=re.M)
                parts.append(s)
    if not parts:
        die("no dpkg database in " + root)
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "status"), "w", encoding="utf-8") as f:
            f.write("\n\n".join(parts) + "\n")
        for d in ("info", "updates"):
            os.mkdir(os.path.join(tmp, d))
        out = subprocess.run(["dpkg-query", "--admindir=" + tmp, "-W", "-f",
                              "${db:Status-Status}\t${Package}\t${source:Package}\t${source:Version}\n"],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
    src, binaries = {}, []
    for line in out.splitlines():
        st, pkg, sname, sver = line.split("\t")
        if st not in PRESENT:
            continue
        binaries.append("%s\t%s\n" % (pkg, sname))
        if src.setdefault(sname, sver) != sver:
            # one stanza per name cannot hold two versions; never happens in a consistent
            # release, and guessing one of the two would make the comparison meaningless
            die("source %s at two versions (%s, %s): cannot be one dpkg stanza"
                % (sname, src[sname], sver))
    if not src:
        die("no installed package in " + root)
    with open(binmap, "w") as f:
        f.writelines(sorted(binaries))
    if os.path.isdir(sd):
        shutil.rmtree(sd)
    write_status(status, src)


def write_status(status, src):
    """STATUS: one installed stanza per source name at its version; the list on stdout.
    Architecture "all": a source package has none of its own, and libapt (which oscap's dpkginfo
    probe uses) finds "all" packages under their plain name on any host architecture."""
    with open(status, "w", encoding="utf-8") as f:
        for sname in sorted(src):
            f.write("Package: %s\nStatus: install ok installed\nPriority: optional\n"
                    "Section: misc\nMaintainer: n/a\nArchitecture: all\nVersion: %s\n"
                    "Description: source package %s\n\n" % (sname, src[sname], sname))
    for sname in sorted(src):
        print("%s\t%s" % (sname, src[sname]))


def read_srcs(path):
    with open(path) as f:
        return dict(line.rstrip("\n").split("\t") for line in f if line.strip())


def cmd_lower(defs, status, pos):
    """Rewrites the dpkg database STATUS (binary packages, as dpkg wrote it) as if its packages
    had been built from older sources: each source package that DEFS gives fixed versions for
    moves to the fixed version ("less than" evr; not Debian's "0" for open issues) of the middle
    (POS "middle") or last ("last") of its dpkginfo tests in file order (roughly CVE order): a
    version Debian published, so the definitions fixed later come out true and those fixed at or
    before it false. In each
    stanza only the version text changes, in the form it had: "Source: NAME (X)" gets the new X
    and a Version "X<suffix>" (a binNMU's X+b1) becomes "NEW<suffix>"; without a version in
    Source the Version is the source version and is replaced. Prints how many sources moved."""
    root = ET.parse(defs).getroot()
    states = {}
    for st in root.iter(LINUX + "dpkginfo_state"):
        e = st.find(LINUX + "evr")
        if e is not None and e.get("operation") == "less than" and e.text not in ("0", "0:0"):
            states[st.get("id")] = e.text[2:] if e.text.startswith("0:") else e.text
    objs = {o.get("id"): o.findtext(LINUX + "name") for o in root.iter(LINUX + "dpkginfo_object")}
    fixed = {}
    for t in root.iter(LINUX + "dpkginfo_test"):
        o, st = t.find(LINUX + "object"), t.find(LINUX + "state")
        if o is not None and st is not None and st.get("state_ref") in states:
            fixed.setdefault(objs.get(o.get("object_ref")), []).append(states[st.get("state_ref")])
    with open(status, encoding="utf-8") as f:
        parts = stanzas(f.read())
    out, moved = [], set()
    for st in parts:
        pkg = re.search(r"^Package: *(\S+)", st, re.M).group(1)
        src = re.search(r"^Source: *(\S+)(?: *\((\S+)\))?[ \t]*$", st, re.M)
        sname = src.group(1) if src else pkg
        if fixed.get(sname):
            new = fixed[sname][len(fixed[sname]) // 2 if pos == "middle" else -1]
            ver = re.search(r"^Version: *(\S+)[ \t]*$", st, re.M).group(1)
            if src and src.group(2):
                old = src.group(2)
                st = st[:src.start(2)] + new + st[src.end(2):]
                if ver.startswith(old):
                    st = re.sub(r"^Version: .*$", "Version: " + new + ver[len(old):], st, count=1, flags=re.M)
            else:
                st = re.sub(r"^Version: .*$", "Version: " + new, st, count=1, flags=re.M)
            moved.add(sname)
        out.append(st)
    if not moved:
        die("no source in %s has a fixed version in %s" % (status, defs))
    with open(status, "w", encoding="utf-8") as f:
        f.write("\n\n".join(out) + "\n")
    print("%d source packages moved to older versions" % len(moved))


# --- results -------------------------------------------------------------------------------

def definitions(defs):
    """DEFS' definitions: id -> (class, source package, CVE ids); and the ids of the dpkginfo
    objects' names and of the tests that check the release (/etc/debian_version)."""
    meta, names, release_objs, tfc_tests = {}, set(), set(), {}
    for _, el in ET.iterparse(defs):
        if el.tag == OVAL + "definition":
            title = (el.findtext(OVAL + "metadata/" + OVAL + "title") or "").split()
            if len(title) != 2:
                die("definition %s: title %r is not 'ID SOURCE'" % (el.get("id"), title))
            cves = [r.get("ref_id") for r in el.iterfind(OVAL + "metadata/" + OVAL + "reference")
                    if r.get("source") == "CVE"]
            if el.get("class") == "vulnerability" and cves != [title[0]]:
                die("definition %s: title %s, CVE references %s" % (el.get("id"), title[0], cves))
            meta[el.get("id")] = (el.get("class"), title[1], cves)
            el.clear()
        elif el.tag == LINUX + "dpkginfo_object":
            names.add(el.findtext(LINUX + "name") or "")
        elif el.tag == IND + "textfilecontent54_object":
            if el.findtext(IND + "path") == "/etc" and el.findtext(IND + "filename") == "debian_version":
                release_objs.add(el.get("id"))
        elif el.tag == IND + "textfilecontent54_test":
            o = el.find(IND + "object")
            tfc_tests[el.get("id")] = o.get("object_ref") if o is not None else None
    # tests come before the objects in the file
    return meta, names, {t for t, o in tfc_tests.items() if o in release_objs}


def evr(v):
    return v if ":" in v else "0:" + v


def cmd_pairs(defs, results, srcs):
    """Checks that oscap saw the database, then prints "CVE<TAB>source" for every CVE that a
    definition oscap found true names (vulnerability: its one CVE; patch (DSA): its CVEs)."""
    installed = read_srcs(srcs)
    meta, names, release_tests = definitions(defs)
    if not release_tests:
        die(defs + ": no test on /etc/debian_version")
    items, test_result, n, true = set(), {}, 0, {"vulnerability": 0, "patch": 0}
    pairs = set()
    for _, el in ET.iterparse(results):
        if el.tag == LINUX_SC + "dpkginfo_item":
            if el.get("status", "exists") == "exists":
                items.add((el.findtext(LINUX_SC + "name"), el.findtext(LINUX_SC + "evr")))
            el.clear()
        elif el.tag == RES + "test":
            test_result[el.get("test_id")] = el.get("result")
        elif el.tag == RES + "definition":
            n += 1
            if el.get("result") == "true":
                cls, src, cves = meta[el.get("definition_id")]
                true[cls] = true.get(cls, 0) + 1
                pairs.update((c, src) for c in cves)
            el.clear()
    # oscap's probe must have seen every installed source the file names, at its version: a
    # probe that failed (libapt, APT configuration) leaves every definition silently false
    want = {(s, evr(v)) for s, v in installed.items() if s in names}
    if items != want:
        die("oscap's dpkginfo items differ from the database: missing %s, extra %s"
            % (sorted(want - items)[:5], sorted(items - want)[:5]))
    bad = [t for t in release_tests if test_result.get(t) != "true"]
    if bad:
        die("release test %s is %s, not true: check etc/debian_version" % (bad[0], test_result.get(bad[0])))
    if n != len(meta):
        die("%d definition results, %d definitions" % (n, len(meta)))
    sys.stderr.write("oscap: %d definitions evaluated, true: %d vulnerability, %d patch; "
                     "%d dpkginfo items = installed sources the file names; release test true\n"
                     % (n, true["vulnerability"], true["patch"], len(items)))
    for cve, src in sorted(pairs):
        print("%s\t%s" % (cve, src))


def main(argv):
    cmds = {"unpack": (cmd_unpack, 2), "srcdb": (cmd_srcdb, 2), "lower": (cmd_lower, 3), "pairs": (cmd_pairs, 3)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        die("usage: see the comment at the top")
    cmds[argv[1]][0](*argv[2:])


if __name__ == "__main__":
    main(sys.argv)
