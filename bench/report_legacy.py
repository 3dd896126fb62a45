#!/usr/bin/env python3
"""The table of a bench/compare.sh run of the earlier format (2026-11-26 to 2026-12-07: one client session per
system and client count, no "kind" field): ops/s of plain RMI, jmanager and Python's manager, their ratios, and
the issue-7 targets (met or not).

    python3 bench/report.py RESULTS.jsonl [--markdown FILE]   (report.py hands runs of this format to this module)
"""
import argparse
import json
from collections import OrderedDict

LABELS = OrderedDict([
    ('put', 'dict put'),
    ('get', 'dict get'),
    ('lock', 'lock+unlock pairs'),
    ('incr', 'atomic increment'),
    ('batch', 'putAll+getAll, 1,000-entry batches (entries/s)'),
    ('connect', 'connect + first op (ms, p50)'),
])
PY_NAMES = {'put': 'd[k] = v', 'get': 'd[k]', 'lock': 'acquire(); release()',
            'incr': 'with lock: v.value += 1', 'connect': 'connect() + named_dict() + get'}

# (op, clients) -> (what is compared, threshold, description)
TARGETS = {
    ('put', 1): ('jm/rmi', 0.87, '>= 0.87x plain RMI'),
    ('get', 1): ('jm/rmi', 0.87, '>= 0.87x plain RMI'),
    ('put', 4): ('jm/py', 1.5, '>= 1.5x Python'),
    ('get', 4): ('jm/py', 1.5, '>= 1.5x Python'),
    ('lock', 4): ('jm/py', 1.5, '>= 1.5x Python'),
    ('incr', 4): ('jm/py', 5.0, '>= 5x Python'),
    ('batch', 1): ('jm', 1_000_000, '>= 1,000,000 entries/s'),
    ('connect', 1): ('jm-ms', 50.0, '<= 50 ms'),
}


def load(path):
    """The results of a run: {(op, clients, system): row}. A client session run again (compare.sh --wait-quiet)
    replaces the earlier one; an operation measured twice in one session (put and get of the 1-client JVM
    sessions) gets the mean of its windows, with the single values kept in 'windows'."""
    lines = [json.loads(line) for line in open(path) if line.strip()]
    placement = next((r.get('placement') for r in lines if r.get('placement')), None)
    last = {}
    for r in lines:
        key = (r['system'], r['clients'])
        last[key] = max(last.get(key, -1), r.get('session', 0))
    grouped = OrderedDict()
    for r in lines:
        if r.get('session', 0) == last[(r['system'], r['clients'])]:
            grouped.setdefault((r['op'], r['clients'], r['system']), []).append(r)
    rows = {}
    for key, rs in grouped.items():
        good = [r for r in rs if not r.get('error')]
        if not good:
            rows[key] = rs[-1]
            continue
        row = dict(good[-1])
        if len(good) > 1:
            row['windows'] = [r.get('opsPerSec') for r in good]
            row['opsPerSec'] = sum(row['windows']) / len(good)
            if all('p50Us' in r for r in good):
                row['p50Us'] = sum(r['p50Us'] for r in good) / len(good)
        rows[key] = row
    return rows, placement


def ops(rows, op, n, system):
    r = rows.get((op, n, system))
    if r is None or r.get('error'):
        return None
    return r.get('opsPerSec')


def connect_ms(rows, system):
    r = rows.get(('connect', 1, system))
    if r is None or 'p50Us' not in r:
        return None
    return r['p50Us'] / 1000


def fmt(x, digits=0):
    if x is None:
        return '-'
    return format(round(x, digits) if digits else round(x), ',')


def table(rows):
    """The rows of the result table: (label, clients, rmi, jm, py, jm/rmi, jm/py, target, met, other cores)."""
    out = []
    keys = sorted({(op, n) for (op, n, _s) in rows}, key=lambda k: (list(LABELS).index(k[0]), k[1]))
    for op, n in keys:
        other = max((rows[(op, n, s)].get('otherCores', 0) for s in ('rmi', 'jmanager', 'python')
                     if (op, n, s) in rows), default=0)
        if op == 'connect':
            jm, py = connect_ms(rows, 'jmanager'), connect_ms(rows, 'python')
            ratio_py = (py / jm) if jm and py else None
            cells = ['-', fmt(jm, 1), fmt(py, 1), '-', ('%.1fx faster' % ratio_py) if ratio_py else '-']
            value = jm
        else:
            rmi, jm, py = ops(rows, op, n, 'rmi'), ops(rows, op, n, 'jmanager'), ops(rows, op, n, 'python')
            jr = jm / rmi if jm and rmi else None
            jp = jm / py if jm and py else None
            marks = ['*' if 'windows' in rows.get((op, n, s), {}) else '' for s in ('rmi', 'jmanager', 'python')]
            cells = [fmt(rmi) + marks[0], fmt(jm) + marks[1], fmt(py) + marks[2], '%.2f' % jr if jr else '-',
                     '%.2f' % jp if jp else '-']
            value = {'jm/rmi': jr, 'jm/py': jp, 'jm': jm}
        target = TARGETS.get((op, n))
        if target:
            kind, threshold, text = target
            if kind == 'jm-ms':
                v = value
                met = v is not None and v <= threshold
            else:
                v = value.get(kind)
                met = v is not None and v >= threshold
            tcells = [text, 'yes' if met else 'NO']
        else:
            tcells = ['', '']
        out.append([LABELS[op], str(n)] + cells + tcells + ['%.2f' % other])
    return out


HEAD = ['operation', 'clients', 'plain RMI', 'jmanager', 'Python', 'jm/RMI', 'jm/Python', 'target', 'met',
        'other cores']


def text_table(t):
    widths = [max(len(HEAD[i]), *(len(r[i]) for r in t)) for i in range(len(HEAD))]
    lines = ['  '.join(h.ljust(w) if i < 2 or i == 7 else h.rjust(w) for i, (h, w) in enumerate(zip(HEAD, widths)))]
    for r in t:
        lines.append('  '.join(c.ljust(w) if i < 2 or i == 7 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths))))
    return '\n'.join(lines)


def markdown_table(t):
    lines = ['| ' + ' | '.join(HEAD) + ' |',
             '|' + '|'.join(['---', '---:'] + ['---:'] * 5 + ['---', '---', '---:']) + '|']
    for r in t:
        cells = [c.replace('*', '\\*').replace('>=', '≥').replace('<=', '≤') for c in r]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def footnotes(rows):
    notes = []
    for (op, n, system), r in sorted(rows.items()):
        if 'windows' in r:
            notes.append('%s %s %d client%s: %s' % (system, op, n, '' if n == 1 else 's',
                                                    ' and '.join(fmt(w) for w in r['windows'])))
    return ('* mean of the windows measured in one session: ' + '; '.join(notes)) if notes else ''


def main(a=None):
    if a is None:
        ap = argparse.ArgumentParser()
        ap.add_argument('results')
        ap.add_argument('--markdown', default='')
        a = ap.parse_args()
    rows, placement = load(a.results)
    t = table(rows)
    met = sum(1 for r in t if r[8] == 'yes')
    total = sum(1 for r in t if r[8])
    print('ops/s (aggregate of all client processes) unless stated; placement: %s' % placement)
    print(text_table(t))
    print('targets met: %d of %d' % (met, total))
    if footnotes(rows):
        print(footnotes(rows))
    print('"other cores": CPU used by processes outside the benchmark during the case (should be near 0)')
    if a.markdown:
        with open(a.markdown, 'w') as f:
            f.write(markdown_table(t) + '\n\ntargets met: %d of %d\n' % (met, total))
            if footnotes(rows):
                f.write('\n' + footnotes(rows).replace('*', '\\*', 1) + '\n')


if __name__ == '__main__':
    main()
