#!/usr/bin/python3
"""Draws a bench/compare.sh run (the same rows as bench/report.py): dict put throughput against client processes
(left), put with many threads in one JVM and asynchronous puts (middle), and client and server CPU microseconds
per put (right); medians over the alternating windows, with the min-max spread as error bars.

    /usr/bin/python3 bench/plot.py RESULTS.jsonl [OUT.png]

Needs matplotlib: Debian's python3-matplotlib (apt-get install -y python3-matplotlib), for /usr/bin/python3.
Runs of the earlier format (no "kind" field) are drawn by bench/plot_legacy.py as before.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (bench/report.py: the same loading and medians as the table)
import matplotlib  # noqa: E402

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

STYLE = {'rmi': ('plain Java RMI (floor)', '#7f7f7f', 's'), 'jmanager': ('jmanager', '#1f77b4', 'o'),
         'jm-unshared': ('jmanager, unshared calls', '#9467bd', 'x'),
         'python': ('Python SyncManager', '#ff7f0e', '^'), 'hazelcast': ('Hazelcast 5.7 (threads)', '#2ca02c', 'D'),
         'redis': ('Redis (redis-benchmark)', '#d62728', 'v')}
PROCESS_GROUPS = [('p1', 1), ('p4', 4), ('p8', 8)]
WIDE_GROUPS = ['t4', 't16', 't64', 'm16', 'a1', 'a16']
WIDE_LABELS = {'t4': '4 threads\n1 JVM', 't16': '16 threads\n1 JVM', 't64': '64 threads\n1 JVM',
               'm16': '16 managers\n1 JVM',
               'a1': 'async\n1 thread',
               'a16': 'async\n16 threads'}


def main():
    path = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else 'bench/throughput.png'
    with open(path) as f:
        first = next((json.loads(line) for line in f if line.strip()), {})
    if 'kind' not in first:
        import plot_legacy
        return plot_legacy.main(path, out)
    head, raw, _warmups = report.load(path)
    cells = report.cells_of(raw)
    where = {'split': 'servers pinned to CPU 0, clients to CPU 1',
             'shared': 'servers and clients pinned to CPU 0'}.get(head.get('placement'), head.get('placement'))
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(16, 5), gridspec_kw={'width_ratios': [1, 1.1, 1.1]})

    for s, (label, color, marker) in STYLE.items():
        pts = [(n, cells[(g, 'put', s)]) for g, n in PROCESS_GROUPS if (g, 'put', s) in cells]
        if not pts:
            continue
        xs = [n for n, _c in pts]
        ys = [c.median for _n, c in pts]
        err = [[c.median - c.lo for _n, c in pts], [c.hi - c.median for _n, c in pts]]
        left.errorbar(xs, ys, yerr=err, marker=marker, color=color, label=label, linewidth=2, capsize=3)
        for x, y in zip(xs, ys):
            left.annotate('%.1fk' % (y / 1000), (x, y), textcoords='offset points', xytext=(4, 4), fontsize=7,
                          color=color)
    left.set_xscale('log', base=2)
    left.set_xticks([1, 4, 8])
    left.set_xticklabels(['1', '4', '8'])
    left.set_xlabel('client processes (Hazelcast: threads of one client)')
    left.set_ylabel('dict put, aggregate ops/s (median, min–max)')
    left.set_ylim(bottom=0)
    left.grid(True, alpha=0.3)
    left.legend(fontsize=8, loc='upper left')
    left.set_title('put against client processes', fontsize=10)

    groups = [g for g in WIDE_GROUPS if any((g, 'put', s) in cells for s in STYLE)]
    systems = [s for s in STYLE if any((g, 'put', s) in cells for g in groups)]
    width = 0.8 / max(1, len(systems))
    for i, s in enumerate(systems):
        xs, ys, lo, hi = [], [], [], []
        for j, g in enumerate(groups):
            c = cells.get((g, 'put', s))
            if c:
                xs.append(j + (i - (len(systems) - 1) / 2) * width)
                ys.append(c.median)
                lo.append(c.median - c.lo)
                hi.append(c.hi - c.median)
        middle.bar(xs, ys, width, yerr=[lo, hi], color=STYLE[s][1], label=STYLE[s][0], capsize=2)
    middle.set_xticks(range(len(groups)))
    middle.set_xticklabels([WIDE_LABELS[g] for g in groups], fontsize=8)
    middle.set_ylabel('dict put ops/s (median, min–max)')
    middle.grid(True, axis='y', alpha=0.3)
    middle.set_title('threads in one JVM; async with %s in flight (RMI: synchronous)' % head.get('inFlight', 'N'),
                     fontsize=10)

    rows = [(g, s) for g in [g for g, _n in PROCESS_GROUPS] + WIDE_GROUPS for s in STYLE if (g, 'put', s) in cells]
    labels, client, server = [], [], []
    for g, s in rows:
        c = cells[(g, 'put', s)]
        labels.append('%s %s' % (g, {'rmi': 'RMI', 'jmanager': 'jm', 'jm-unshared': 'jm-u', 'python': 'py',
                                     'hazelcast': 'hz',
                                     'redis': 'redis'}[s]))
        client.append(c.metric('clientCpuUsPerOp') or 0)
        server.append(c.metric('serverCpuUsPerOp') or 0)
    ys = range(len(rows))
    right.barh(ys, client, color=[STYLE[s][1] for _g, s in rows], label='client')
    right.barh(ys, server, left=client, color=[STYLE[s][1] for _g, s in rows], alpha=0.45, label='server')
    right.set_yticks(list(ys))
    right.set_yticklabels(labels, fontsize=7)
    right.invert_yaxis()
    right.set_xlabel('CPU µs per put: client (solid) + server (light)')
    right.grid(True, axis='x', alpha=0.3)
    right.set_title('CPU per operation', fontsize=10)

    fig.suptitle('jmanager and its floor and peers — %s, one run (%s), %s rounds of alternating %s s windows'
                 % (where, head.get('started', '?')[:10], head.get('rounds', '?'), head.get('window', '?')),
                 fontsize=11)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == '__main__':
    main()
