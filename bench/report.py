#!/usr/bin/env python3
"""Prints the tables of a bench/compare.sh run: per row (group of clients and operation) each system's median
ops/s over its alternating windows with the spread (min-max), the ratios of jmanager's median to the others',
client and server CPU microseconds per operation and latency percentiles (medians over the windows), and the
targets of issues 7 and 14 (met or not).

    python3 bench/report.py RESULTS.jsonl [--markdown FILE]

Runs of the earlier format (one session per system, no "kind" field; bench/results/split-*.jsonl) are handed to
bench/report_legacy.py, which prints their table as before.
"""
import argparse
import json
import os
import statistics
import sys
from collections import OrderedDict

GROUP_LABELS = OrderedDict([
    ('p1', '1 process'), ('p4', '4 processes'), ('p8', '8 processes'), ('t4', '4 threads, 1 JVM'),
    ('t16', '16 threads, 1 JVM'),
    ('t64', '64 threads, 1 JVM'), ('m16', '16 managers, 1 JVM'), ('a1', 'async, 1 thread'), ('a16', 'async, 16 threads, 1 JVM'),
])
OP_LABELS = OrderedDict([
    ('put', 'dict put'), ('get', 'dict get'), ('lock', 'lock+unlock pairs'), ('incr', 'atomic increment'),
    ('batch', 'putAll+getAll, 1,000 entries (entries/s)'), ('connect', 'connect + first op (p50 ms)'),
])
SYSTEMS = OrderedDict([('rmi', 'plain RMI'), ('jmanager', 'jmanager'), ('jm-unshared', 'jmanager, unshared calls'),
                       ('python', 'Python'),
                       ('hazelcast', 'Hazelcast'), ('redis', 'Redis')])

# (group, op, what, threshold, text)
TARGETS = [
    ('p1', 'put', 'rmi', 0.87, 'put, 1 process: ≥ 0.87× plain RMI (issue 7)'),
    ('p1', 'get', 'rmi', 0.87, 'get, 1 process: ≥ 0.87× plain RMI (issue 7)'),
    ('p4', 'put', 'python', 1.5, 'put, 4 processes: ≥ 1.5× Python (issue 7)'),
    ('p4', 'get', 'python', 1.5, 'get, 4 processes: ≥ 1.5× Python (issue 7)'),
    ('p4', 'lock', 'python', 1.5, 'lock+unlock, 4 processes: ≥ 1.5× Python (issue 7)'),
    ('p4', 'incr', 'python', 5.0, 'increment, 4 processes: ≥ 5× Python (issue 7)'),
    ('p1', 'batch', 'abs', 1_000_000, 'batches: ≥ 1,000,000 entries/s (issue 7)'),
    ('p1', 'connect', 'ms', 50.0, 'connect + first op: ≤ 50 ms (issue 7)'),
    ('p8', 'put', 'rmi', 0.95, 'put, 8 processes: ≥ 0.95× plain RMI (issue 14)'),
    ('t16', 'put', 'rmi', 0.95, 'put, 16 threads in one JVM: ≥ 0.95× plain RMI (issue 14)'),
    ('t64', 'put', 'rmi', 0.95, 'put, 64 threads in one JVM: ≥ 0.95× plain RMI (issue 14)'),
    ('p8', 'put', 'p999', None, "put, 8 processes: p99.9 ≤ plain RMI's (issue 14)"),
    ('t16', 'put', 'p999', None, "put, 16 threads: p99.9 ≤ plain RMI's (issue 14)"),
    ('t64', 'put', 'p999', None, "put, 64 threads: p99.9 ≤ plain RMI's (issue 14)"),
    ('a1', 'put', 'abs', 300_000, 'async put, 1 thread × N in flight: ≥ 300,000 ops/s (issue 14)'),
    ('a16', 'put', 'rmi', 3.0, 'async put, 16 threads: ≥ 3× plain RMI with 16 threads (issue 14)'),
    ('p4', 'put', 'hazelcast', 1.5, 'put, 4 processes: ≥ 1.5× Hazelcast with 4 threads (issue 14)'),
    ('p4', 'get', 'hazelcast', 1.5, 'get, 4 processes: ≥ 1.5× Hazelcast with 4 threads (issue 14)'),
    ('t4', 'put', 'hazelcast', 1.5, 'put, 4 threads in one JVM: ≥ 1.5× Hazelcast with 4 threads (issue 14)'),
    ('t4', 'get', 'hazelcast', 1.5, 'get, 4 threads in one JVM: ≥ 1.5× Hazelcast with 4 threads (issue 14)'),
]


def load(path):
    """(head, {(group, op, system): [windows]}, [warm-ups]) of a run; windows that failed are left out and
    counted in the head's 'failed'."""
    head, cells, warmups, failed = {}, OrderedDict(), [], 0
    for line in open(path):
        if not line.strip():
            continue
        r = json.loads(line)
        kind = r.get('kind')
        if kind == 'run':
            head = r
        elif kind == 'warmup':
            warmups.append(r)
        elif kind == 'window':
            if 'error' in r:
                failed += 1
                continue
            cells.setdefault((r['group'], r['op'], r['system']), []).append(r)
    head['failed'] = failed
    return head, cells, warmups


class Cell:
    """One system's windows of one row: medians and spread."""

    def __init__(self, windows):
        self.windows = windows
        self.rates = [w['opsPerSec'] for w in windows]
        self.median = statistics.median(self.rates)
        self.lo, self.hi = min(self.rates), max(self.rates)

    def metric(self, name):
        v = [w[name] for w in self.windows if name in w and w[name] is not None and w[name] >= 0]
        return statistics.median(v) if v else None

    def other(self):
        return max(w.get('otherCores', 0) for w in self.windows)


def cells_of(raw):
    return {k: Cell(v) for k, v in raw.items()}


def k(x):
    """A rate, short: 45.1k, 1.73M, 812."""
    if x is None:
        return '-'
    if x >= 1e6:
        return '%.2fM' % (x / 1e6)
    if x >= 1e4:
        return '%.1fk' % (x / 1e3)
    if x >= 1e3:
        return '%.2fk' % (x / 1e3)
    return '%.0f' % x


def ms(cell):
    v = cell.metric('p50Us') if cell else None
    return v / 1000 if v is not None else None


def value_text(group, op, cell):
    if cell is None:
        return '-'
    if op == 'connect':
        lo = min(w['p50Us'] for w in cell.windows) / 1000
        hi = max(w['p50Us'] for w in cell.windows) / 1000
        return '%.1f ms (%.1f–%.1f)' % (ms(cell), lo, hi)
    return '%s (%s–%s)' % (k(cell.median), k(cell.lo), k(cell.hi))


def ratio(cells, group, op, other):
    jm, o = cells.get((group, op, 'jmanager')), cells.get((group, op, other))
    if not jm or not o:
        return None
    if op == 'connect':
        return ms(o) / ms(jm) if ms(jm) and ms(o) else None  # how many times faster
    return jm.median / o.median if o.median else None


def rows_of(cells):
    keys = {(g, op) for (g, op, _s) in cells}
    return sorted(keys, key=lambda x: (list(GROUP_LABELS).index(x[0]) if x[0] in GROUP_LABELS else 99,
                                       list(OP_LABELS).index(x[1]) if x[1] in OP_LABELS else 99))


def main_table(cells, head):
    systems = [s for s in SYSTEMS if any(key[2] == s for key in cells)]
    others = [s for s in systems if s != 'jmanager']
    header = ['clients', 'operation'] + [SYSTEMS[s] for s in systems] + ['jm/' + SYSTEMS[s] for s in others] \
        + ['other cores']
    lines = []
    for g, op in rows_of(cells):
        row = [GROUP_LABELS.get(g, g), OP_LABELS.get(op, op)]
        for s in systems:
            row.append(value_text(g, op, cells.get((g, op, s))))
        for s in others:
            r = ratio(cells, g, op, s)
            row.append('-' if r is None else ('%.1f× faster' % r if op == 'connect' else '%.2f' % r))
        row.append('%.2f' % max(c.other() for key, c in cells.items() if key[:2] == (g, op)))
        lines.append(row)
    return header, lines


def detail_table(cells):
    header = ['clients', 'operation', 'system', 'windows', 'median ops/s', 'client CPU µs/op', 'server CPU µs/op',
              'p50 µs', 'p99 µs', 'p99.9 µs']
    lines = []
    for g, op in rows_of(cells):
        for s in SYSTEMS:
            c = cells.get((g, op, s))
            if not c:
                continue

            def f(name, digits=1):
                v = c.metric(name)
                return '-' if v is None else '%.*f' % (digits, v)
            lines.append([GROUP_LABELS.get(g, g), OP_LABELS.get(op, op), SYSTEMS[s], str(len(c.windows)),
                          format(round(c.median), ','), f('clientCpuUsPerOp'), f('serverCpuUsPerOp'), f('p50Us'),
                          f('p99Us'), f('p999Us')])
    return header, lines


def targets(cells):
    out = []
    for g, op, what, threshold, text in TARGETS:
        jm = cells.get((g, op, 'jmanager'))
        if jm is None:
            continue
        if what == 'abs':
            v = jm.median
            out.append([text, '%s' % format(round(v), ','), 'yes' if v >= threshold else 'NO'])
        elif what == 'ms':
            v = ms(jm)
            out.append([text, '%.1f ms' % v, 'yes' if v <= threshold else 'NO'])
        elif what == 'p999':
            rmi = cells.get((g, op, 'rmi'))
            if rmi is None:
                continue
            a, b = jm.metric('p999Us'), rmi.metric('p999Us')
            out.append([text, '%.0f µs vs %.0f µs' % (a, b), 'yes' if a <= b else 'NO'])
        else:
            r = ratio(cells, g, op, what)
            if r is None:
                continue
            o = cells[(g, op, what)]
            out.append([text, '%.2f× (%s vs %s)' % (r, k(jm.median), k(o.median)), 'yes' if r >= threshold else 'NO'])
    a1, redis = cells.get(('a1', 'put', 'jmanager')), cells.get(('a1', 'put', 'redis'))
    if a1 and redis:
        out.append(['async put, 1 thread: ratio to redis-benchmark with the same pipeline depth (reported)',
                    '%.2f× (%s vs %s)' % (a1.median / redis.median, k(a1.median), k(redis.median)), ''])
    return out


def text(header, lines):
    widths = [max(len(h), *(len(r[i]) for r in lines)) if lines else len(h) for i, h in enumerate(header)]
    out = ['  '.join(h.ljust(w) for h, w in zip(header, widths))]
    out += ['  '.join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
            for r in lines]
    return '\n'.join(out)


def markdown(header, lines, left=2):
    out = ['| ' + ' | '.join(header) + ' |',
           '|' + '|'.join('---' if i < left else '---:' for i in range(len(header))) + '|']
    out += ['| ' + ' | '.join(r) + ' |' for r in lines]
    return '\n'.join(out)


def summary_lines(head, warmups, cells_raw):
    lines = ['run: %s, commit %s, placement %s (servers on CPU %s, clients on CPU %s), %s rounds of %s s windows'
             ' alternating the systems, warm-up in %s s slices until %s in a row are at most %d %% above the best'
             ' before them;'
             ' load average %.2f at the start%s' % (
                 head.get('started', '?'), head.get('commit', '?'), head.get('placement', '?'),
                 head.get('serverCpu', '?'), head.get('clientCpu', '?'), head.get('rounds', '?'),
                 head.get('window', '?'), head.get('slice', '?'), head.get('patience', 1),
                 round(head.get('tolerance', 0) * 100),
                 head.get('loadAverage', 0), '; --quick (a smoke test, not a result)' if head.get('quick') else '')]
    capped = ['%s %s %s' % (w['group'], w['system'], w['op']) for w in warmups if not w.get('settled')]
    if warmups:
        lines.append('warm-ups: %d settled, %d reached their cap%s' % (
            len(warmups) - len(capped), len(capped), (' (' + ', '.join(capped) + ')') if capped else ''))
    windows = [w for ws in cells_raw.values() for w in ws]
    busy = [w for w in windows if w.get('otherCores', 0) > 0.25]
    if windows:
        lines.append('windows during which other processes used more than 0.25 cores: %d of %d%s' % (
            len(busy), len(windows), ' (their rows are not a result)' if busy else ''))
    if head.get('failed'):
        lines.append('failed windows: %d (left out; see the run\'s logs)' % head['failed'])
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('results')
    ap.add_argument('--markdown', default='')
    a = ap.parse_args()
    with open(a.results) as f:
        first = next((json.loads(l) for l in f if l.strip()), {})
    if 'kind' not in first:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import report_legacy
        return report_legacy.main(a)
    head, raw, warmups = load(a.results)
    cells = cells_of(raw)
    mh, ml = main_table(cells, head)
    dh, dl = detail_table(cells)
    t = targets(cells)
    met = sum(1 for r in t if r[2] == 'yes')
    total = sum(1 for r in t if r[2])
    notes = summary_lines(head, warmups, raw)
    print('\n'.join(notes))
    print('\nops/s, median over the windows (min–max); jm/X = ratio of medians; the async rows\' plain-RMI'
          ' baseline is synchronous\n')
    print(text(mh, ml))
    print('\nper system: medians over the windows\n')
    print(text(dh, dl))
    print('\ntargets met: %d of %d\n' % (met, total))
    print(text(['target', 'measured', 'met'], t))
    if a.markdown:
        with open(a.markdown, 'w') as f:
            f.write('\n\n'.join(notes) + '\n\n')
            f.write(markdown(mh, ml) + '\n\n')
            f.write(markdown(dh, dl, 3) + '\n\n')
            f.write('targets met: %d of %d\n\n' % (met, total))
            f.write(markdown(['target', 'measured', 'met'], t, 1) + '\n')


if __name__ == '__main__':
    main()
