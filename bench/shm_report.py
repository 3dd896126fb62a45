#!/usr/bin/env python3
"""The table of a bench/shm.sh run: jmanager's shared memory against Python's multiprocessing.Value/Array and
against the same operation on a registry, medians of the rounds with their spread, per-round ratios, and issue 11's
targets (met or not).

    python3 bench/shm_report.py RAW.jsonl [--json FILE] [--markdown FILE] [--note TEXT]
    python3 bench/shm_report.py RESULTS.json            # the table again, from the JSON shm.sh wrote
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

# (op, procs) rows in table order, with what they are compared with
ROWS = [('get', 1), ('set', 1), ('add-and-get', 1), ('cas-increment', 1), ('lock-unlock', 1),
        ('locked-increment', 1), ('array-write', 1), ('array-read', 1),
        ('locked-increment', 4), ('add-and-get', 4), ('array-write', 4)]
LABELS = {
    'get': 'value get', 'set': 'value set', 'add-and-get': 'addAndGet(1), no lock',
    'cas-increment': 'compareAndSet increment, no lock', 'lock-unlock': 'lock+unlock pairs',
    'locked-increment': 'locked increment', 'array-write': "array element write ('d')",
    'array-read': "array element read ('d')",
}
# the Python operation each shm row is compared with (Python has no lock-free increment: its locked one)
PYTHON_OP = {'locked-increment': 'locked-increment', 'add-and-get': 'locked-increment',
             'cas-increment': 'locked-increment', 'array-write': 'array-write'}
# the registry operation (names as shm.sh maps them): every shm operation that the registry has
REGISTRY_OPS = {'get', 'set', 'add-and-get', 'lock-unlock', 'locked-increment', 'array-write'}
# (op, procs) -> [(against, threshold, description)]
TARGETS = {
    ('locked-increment', 1): [('python', 10, '>= 10x Python')],
    ('locked-increment', 4): [('python', 3, '>= 3x Python')],
    ('add-and-get', 4): [('python', 10, ">= 10x Python's locked increment")],
    ('array-write', 4): [('python', 10, ">= 10x Python's Array('d', lock=False)")],
}
REGISTRY_TARGET = ('registry', 100, '>= 100x registry')


def load(path):
    if path.endswith('.json'):
        with open(path) as f:
            return json.load(f)['measurements']
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def by_round(measurements, system, op, procs, field='opsPerSec'):
    """{round: ops/s (or another field)} of the good measurements of one system, operation and process count."""
    out = {}
    for m in measurements:
        if m.get('system') == system and m.get('op') == op and m.get('procs') == procs and not m.get('error') \
                and m.get('opsPerSec') and m.get(field):
            out[m['round']] = m[field]
    return out


def spread(values):
    if not values:
        return None
    return dict(median=statistics.median(values), min=min(values), max=max(values), n=len(values))


def ratio_stats(num, den):
    rounds = sorted(set(num) & set(den))
    ratios = [num[r] / den[r] for r in rounds if den[r]]
    return spread(ratios)


def summarize(measurements):
    rows = []
    for op, procs in ROWS:
        shm = by_round(measurements, 'shm', op, procs)
        if not shm and not any(m.get('op') == op and m.get('procs') == procs for m in measurements):
            continue
        py_op = PYTHON_OP.get(op)
        py = by_round(measurements, 'python', py_op, procs) if py_op else {}
        reg = by_round(measurements, 'registry', op, procs) if op in REGISTRY_OPS else {}
        shm_cpu = by_round(measurements, 'shm', op, procs, 'cpuNsPerOp')
        py_cpu = by_round(measurements, 'python', py_op, procs, 'cpuNsPerOp') if py_op else {}
        row = dict(op=op, procs=procs, label=LABELS[op], pythonOp=py_op,
                   shmCpuNsPerOp=spread(list(shm_cpu.values())), pythonCpuNsPerOp=spread(list(py_cpu.values())),
                   pythonOverShmCpu=ratio_stats(py_cpu, shm_cpu) if py_cpu and shm_cpu else None,
                   shm=spread(list(shm.values())), python=spread(list(py.values())),
                   registry=spread(list(reg.values())),
                   shmOverPython=ratio_stats(shm, py) if py else None,
                   shmOverRegistry=ratio_stats(shm, reg) if reg else None, targets=[])
        others = [m.get('otherCores', 0) for m in measurements
                  if m.get('procs') == procs and m.get('op') in (op, py_op) and not m.get('error')]
        row['otherCoresMax'] = max(others) if others else None
        checks = [m['counter']['ok'] for m in measurements if m.get('op') == op and m.get('procs') == procs
                  and m.get('system') == 'shm' and m.get('counter')]
        row['counterChecks'] = dict(ok=sum(checks), failed=len(checks) - sum(checks)) if checks else None
        row['errors'] = sum(1 for m in measurements if m.get('error') and m.get('op') == op
                            and m.get('procs') == procs)
        wanted = list(TARGETS.get((op, procs), []))
        if op in REGISTRY_OPS:
            wanted.append(REGISTRY_TARGET)
        for against, threshold, description in wanted:
            r = row['shmOverPython'] if against == 'python' else row['shmOverRegistry']
            row['targets'].append(dict(against=against, threshold=threshold, description=description,
                                       ratio=r['median'] if r else None,
                                       met=None if r is None else r['median'] >= threshold))
        rows.append(row)
    return rows


def si(x):
    if x is None:
        return '-'
    for div, suffix in ((1e9, 'G'), (1e6, 'M'), (1e3, 'k')):
        if abs(x) >= div:
            return '%.3g%s' % (x / div, suffix) if x / div < 100 else '%.0f%s' % (x / div, suffix)
    return '%.0f' % x


def cell(s):
    if s is None:
        return '-'
    if s['n'] == 1:
        return si(s['median'])
    return '%s (%s–%s)' % (si(s['median']), si(s['min']), si(s['max']))


def ratio_cell(s):
    if s is None:
        return '-'
    fmt = (lambda v: format(round(v), ',')) if s['median'] >= 100 else (lambda v: '%.1f' % v)
    if s['n'] == 1:
        return fmt(s['median']) + '×'
    return '%s× (%s–%s)' % (fmt(s['median']), fmt(s['min']), fmt(s['max']))


def table(rows):
    head = ['operation', 'procs', 'jmanager shm (ops/s)', 'Python', 'registry', 'shm/Python', 'shm/registry',
            'targets', 'met', 'other cores']
    lines = [head]
    for r in rows:
        py = cell(r['python'])
        if r['pythonOp'] and r['pythonOp'] != r['op'] and r['python']:
            py += ' (locked incr.)'
        targets = '; '.join(t['description'] for t in r['targets'])
        met = ', '.join('-' if t['met'] is None else ('yes' if t['met'] else 'NO') for t in r['targets'])
        lines.append([r['label'], str(r['procs']), cell(r['shm']), py, cell(r['registry']),
                      ratio_cell(r['shmOverPython']), ratio_cell(r['shmOverRegistry']), targets or '', met,
                      '-' if r['otherCoresMax'] is None else '%.2f' % r['otherCoresMax']])
    return lines


def ns_cell(s):
    if s is None:
        return '-'
    if s['n'] == 1:
        return '%.1f' % s['median']
    return '%.1f (%.1f–%.1f)' % (s['median'], s['min'], s['max'])


def cpu_table(rows):
    """CPU time per operation of the measuring processes (less sensitive to other load than the rates; waiting
    that spins counts as CPU, so contended rows show what the contention costs)."""
    lines = [['operation', 'procs', 'shm CPU ns/op', 'Python CPU ns/op', 'Python/shm']]
    for r in rows:
        if r.get('shmCpuNsPerOp') is None:
            continue
        py = ns_cell(r.get('pythonCpuNsPerOp'))
        if r['pythonOp'] and r['pythonOp'] != r['op'] and r.get('pythonCpuNsPerOp'):
            py += ' (locked incr.)'
        lines.append([r['label'], str(r['procs']), ns_cell(r['shmCpuNsPerOp']), py,
                      ratio_cell(r.get('pythonOverShmCpu'))])
    return lines


def summary_lines(rows):
    all_targets = [t for r in rows for t in r['targets']]
    judged = [t for t in all_targets if t['met'] is not None]
    out = ['targets met: %d of %d%s' % (sum(1 for t in judged if t['met']), len(all_targets),
                                        '' if len(judged) == len(all_targets)
                                        else ' (%d not measured)' % (len(all_targets) - len(judged)))]
    checks = [r['counterChecks'] for r in rows if r['counterChecks']]
    if checks:
        ok = sum(c['ok'] for c in checks)
        failed = sum(c['failed'] for c in checks)
        out.append('counter checks of the shm runs: %d ok, %d with lost updates' % (ok, failed))
    errors = sum(r['errors'] for r in rows)
    if errors:
        out.append('FAILED measurements: %d (see the logs)' % errors)
    return out


def print_lines(lines, left):
    widths = [max(len(l[i]) for l in lines) for i in range(len(lines[0]))]
    for k, l in enumerate(lines):
        print('  '.join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(l, widths))))
        if k == 0:
            print('  '.join('-' * w for w in widths))


def print_text(rows):
    print_lines(table(rows), {0, 1, 7, 8, 9})
    print()
    for line in summary_lines(rows):
        print(line)
    cpu = cpu_table(rows)
    if len(cpu) > 1:
        print()
        print('CPU time per operation (median of rounds; ratio: median of per-round ratios):')
        print_lines(cpu, {0, 1})


def markdown(rows, note):
    lines = table(rows)
    out = ['| ' + ' | '.join(lines[0]) + ' |',
           '|' + '|'.join(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---', '---', '---:']) + '|']
    out += ['| ' + ' | '.join(l) + ' |' for l in lines[1:]]
    out.append('')
    out += [line for line in summary_lines(rows)]
    cpu = cpu_table(rows)
    if len(cpu) > 1:
        out += ['', 'CPU time per operation of the measuring processes (median of rounds; ratio: median of'
                ' per-round ratios):', '',
                '| ' + ' | '.join(cpu[0]) + ' |', '|---|---:|---:|---:|---:|']
        out += ['| ' + ' | '.join(l) + ' |' for l in cpu[1:]]
    if note:
        out += ['', note]
    return '\n'.join(out) + '\n'


def machine():
    info = dict(nproc=os.cpu_count(), platform=platform.platform(), python=platform.python_version())
    try:
        with open('/proc/cpuinfo') as f:
            info['cpu'] = next((l.split(':', 1)[1].strip() for l in f if l.startswith('model name')), None)
    except OSError:
        pass
    try:
        v = subprocess.run([os.environ.get('JAVA', 'java'), '-version'], capture_output=True, text=True, timeout=30)
        info['java'] = v.stderr.strip().splitlines()[1] if v.stderr else None
    except (OSError, subprocess.SubprocessError, IndexError):
        pass
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('results', help="shm.sh's raw.jsonl, or the JSON it wrote")
    ap.add_argument('--json', help='write the summary and every measurement as JSON')
    ap.add_argument('--markdown', help='write the table as Markdown')
    ap.add_argument('--note', default='', help='settings of the run, kept in the JSON')
    a = ap.parse_args()
    measurements = load(a.results)
    rows = summarize(measurements)
    print_text(rows)
    if a.json:
        doc = dict(tool='bench/shm.sh', written=time.strftime('%Y-%m-%dT%H:%M:%S%z'), note=a.note,
                   placement='1-process rows: every process on CPU 1 (taskset -c 1), the registry too; 4-process'
                             ' rows: every process on CPUs 0 and 1 (taskset -c 0,1)',
                   otherCores='CPU time of processes outside the benchmark during a case, in cores: of CPU 1 in'
                              ' 1-process rows, of the machine in 4-process rows; the table shows the largest of'
                              ' the row\'s cases',
                   machine=machine(), rows=rows, measurements=measurements)
        with open(a.json, 'w') as f:
            json.dump(doc, f, indent=1)
    if a.markdown:
        with open(a.markdown, 'w') as f:
            f.write(markdown(rows, a.note))
    return 0


if __name__ == '__main__':
    sys.exit(main())
