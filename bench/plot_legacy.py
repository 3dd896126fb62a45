#!/usr/bin/python3
"""The plot of a bench/compare.sh run of the earlier format (2026-11-26 to 2026-12-07; bench/plot.py hands such
runs here): the throughput against the number of client processes (dict put, aggregate
ops/s) for plain RMI, jmanager and Python's manager, with the other measured operations beside it.

    /usr/bin/python3 bench/plot.py RESULTS.jsonl [OUT.png]

Needs matplotlib: Debian's python3-matplotlib (apt-get install -y python3-matplotlib), for /usr/bin/python3.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_legacy as report  # noqa: E402  (the same loading as the table)
import matplotlib  # noqa: E402

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

SYSTEMS = [('rmi', 'plain Java RMI (floor)', '#7f7f7f', 's'),
           ('jmanager', 'jmanager', '#1f77b4', 'o'),
           ('python', "Python SyncManager", '#ff7f0e', '^')]



def main(path=None, out=None):
    path = path or sys.argv[1]
    out = out or (sys.argv[2] if len(sys.argv) > 2 else 'bench/throughput.png')
    loaded, placement = report.load(path)  # the same rows as the table: latest sessions, repeated windows' mean
    rows = [r for r in loaded.values() if not r.get('error')]
    placement = placement or '?'
    where = {'split': 'servers pinned to CPU 0, clients to CPU 1',
             'shared': 'servers and clients pinned to CPU 0'}.get(placement, placement)

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={'width_ratios': [1.1, 1]})
    # value labels: above the highest point of each client count, below the others, so that they stay apart
    top = {}
    for r in rows:
        if r['op'] == 'put' and r['opsPerSec'] > top.get(r['clients'], (0, None))[0]:
            top[r['clients']] = (r['opsPerSec'], r['system'])
    for key, label, color, marker in SYSTEMS:
        pts = sorted((r['clients'], r['opsPerSec']) for r in rows if r['system'] == key and r['op'] == 'put')
        if pts:
            xs, ys = zip(*pts)
            left.plot(xs, ys, marker=marker, color=color, label=label, linewidth=2)
            for x, y in pts:
                left.annotate('%.1fk' % (y / 1000), (x, y), textcoords='offset points', xytext=(0, 7) if top[x][1] == key else (0, -13),
                              ha='left' if x == min(xs) else 'center', fontsize=8, color=color)
    left.set_xscale('log', base=2)
    counts = sorted({r['clients'] for r in rows if r['op'] == 'put'})
    left.set_xticks(counts)
    left.set_xticklabels([str(c) for c in counts])
    left.set_xlabel('client processes')
    left.set_ylabel('dict put, aggregate ops/s')
    left.set_ylim(0, max([r['opsPerSec'] for r in rows if r['op'] == 'put'] + [1]) * 1.12)
    left.grid(True, alpha=0.3)
    left.legend(loc='lower right', fontsize=9)
    left.set_title('dict put throughput vs clients', fontsize=11)

    ops = [('put', 1), ('get', 1), ('put', 4), ('get', 4), ('lock', 1), ('lock', 4), ('incr', 1), ('incr', 4)]
    names = {'put': 'put', 'get': 'get', 'lock': 'lock', 'incr': 'incr'}
    groups = [(op, n) for op, n in ops if any(r['op'] == op and r['clients'] == n for r in rows)]
    width = 0.27
    for i, (key, label, color, _m) in enumerate(SYSTEMS):
        xs, ys = [], []
        for g, (op, n) in enumerate(groups):
            v = [r['opsPerSec'] for r in rows if r['system'] == key and r['op'] == op and r['clients'] == n]
            if v:
                xs.append(g + (i - 1) * width)
                ys.append(v[0])
        right.bar(xs, ys, width, color=color, label=label)
    right.set_xticks(range(len(groups)))
    right.set_xticklabels(['%s\n%d cl' % (names[op], n) for op, n in groups], fontsize=8)
    right.set_ylabel('aggregate ops/s')
    right.grid(True, axis='y', alpha=0.3)
    right.set_title('every operation, 1 and 4 client processes', fontsize=11)
    fig.suptitle('jmanager vs plain RMI vs Python multiprocessing manager — %s, one run' % where, fontsize=12)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == '__main__':
    main()
