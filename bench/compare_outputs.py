#!/usr/bin/env python3
"""compare_outputs.py A B: are two output trees of bench/outputs.sh the same? Every file byte
for byte, except: an .xlsx part by part (its docProps/core.xml creation time aside, and the zip's
own timestamps and member order); manifest.json without its creation time and without the size
and hash of the .xlsx it lists; the output folder's own path in printed text."""
import sys, os, zipfile, re
A, B = sys.argv[1], sys.argv[2]
def files(root):
    out = set()
    for d, _, fs in os.walk(root):
        for f in fs: out.add(os.path.relpath(os.path.join(d, f), root))
    return out
fa, fb = files(A), files(B)
bad = 0
for f in sorted(fa ^ fb):
    print("ONLY IN", "A" if f in fa else "B", f); bad += 1
TS = re.compile(rb'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?|"generated[^"]*": *"[^"]*"')
def norm(b, root=b''):
    if root: b = b.replace(root, b'<OUT>')
    return TS.sub(b'<TS>', b)
for f in sorted(fa & fb):
    pa, pb = os.path.join(A, f), os.path.join(B, f)
    if f.endswith(('.xlsx',)) and zipfile.is_zipfile(pa):
        za, zb = zipfile.ZipFile(pa), zipfile.ZipFile(pb)
        na, nb = sorted(za.namelist()), sorted(zb.namelist())
        if na != nb: print("PARTS", f); bad += 1; continue
        for n in na:
            x, y = za.read(n), zb.read(n)
            if n == 'docProps/core.xml': x, y = norm(x), norm(y)
            if x != y: print("PART", f, n); bad += 1
    elif f.endswith('manifest.json'):
        import json
        def clean(p):
            j = json.load(open(p))
            def walk(o):
                if isinstance(o, dict):
                    if str(o.get('path', '')).endswith('.xlsx') and 'sha256' in o:
                        o = dict(o); o.pop('sha256'); o.pop('size', None); o.pop('bytes', None)
                    return {k: walk(v) for k, v in o.items() if k != 'created'}
                if isinstance(o, list): return [walk(v) for v in o]
                return o
            return walk(j)
        if clean(pa) != clean(pb): print("DIFF", f); bad += 1
    else:
        x, y = open(pa, 'rb').read(), open(pb, 'rb').read()
        if x != y:
            if norm(x, A.encode()) == norm(y, B.encode()): continue
            print("DIFF", f); bad += 1
print("differences:", bad)
sys.exit(1 if bad else 0)
