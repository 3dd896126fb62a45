#!/usr/bin/env python3
"""Python's side of bench/shm.sh: multiprocessing.Value and Array in shared memory, from N processes.

    python3 bench/shm_python.py --op locked-increment --procs 4 --seconds 3 --json
    python3 bench/shm_python.py --op array-write --procs 1 --seconds 3

Operations (what jmanager's `worker.jar shm bench --op ...` of the same name is compared with):
  locked-increment  v = Value('q', 0) (lock=True):  with v.get_lock(): v.value += 1
  array-write       a = Array('d', 4096, lock=False): a[i] = 1.5, each process in its own power-of-two range

The processes are started with the 'spawn' method (separate interpreters, like separate JVMs) and get the Value or
Array as a Process argument. They meet in a small RawArray: the coordinator waits until all are up, lets them warm
up together for --warmup seconds (no JIT here: 3.11's specialising interpreter settles within the first thousands
of iterations), opens the measured window for all at once and closes it after --seconds; each process looks at the
phase every 1,024 operations and counts the operations it did inside the window, timed by itself, and the CPU time
it used meanwhile. The aggregate rate is all processes' measured operations divided by the longest window, as
`worker.jar shm bench` computes it.
For locked-increment the final value must equal every increment of every process (warm-up included), or the run
fails (exit 1).
"""
import argparse
import json
import multiprocessing as mp
import os
import sys
import time

WAIT, WARMUP, MEASURE, STOP, ABORT = 0, 1, 2, 3, -1
BATCH = 1024
# one row per process in the results RawArray
FIELDS = 8
F_PID, F_READY, F_OPS, F_NANOS, F_TOTAL, F_DONE, F_CPU_NANOS = range(7)


def make_loop(op, obj, index, procs, length):
    """The operation as a function running n operations; everything it uses is bound as a fast local."""
    if op == 'locked-increment':
        def run(n, v=obj, lock=obj.get_lock()):
            for _ in range(n):
                with lock:
                    v.value += 1
        return run
    if op == 'array-write':
        span = 1 << max(0, (length // procs).bit_length() - 1)
        base = index * span
        state = [0]

        def run(n, a=obj, base=base, mask=span - 1, state=state):
            j = state[0]
            for i in range(j, j + n):
                a[base + (i & mask)] = 1.5
            state[0] = j + n
        return run
    raise ValueError(op)


def worker(op, obj, control, results, index, procs, length):
    row = index * FIELDS
    try:
        run = make_loop(op, obj, index, procs, length)
        results[row + F_PID] = os.getpid()
        results[row + F_READY] = 1
        while control[0] == WAIT:
            time.sleep(0.001)
        executed = 0
        while control[0] == WARMUP:
            run(BATCH)
            executed += BATCH
        measured = 0
        t0 = t1 = c0 = c1 = 0
        if control[0] == MEASURE:
            t0 = time.perf_counter_ns()
            c0 = time.thread_time_ns()
            while control[0] == MEASURE:
                run(BATCH)
                measured += BATCH
            t1 = time.perf_counter_ns()
            c1 = time.thread_time_ns()
        results[row + F_OPS] = measured
        results[row + F_NANOS] = t1 - t0
        results[row + F_TOTAL] = executed + measured
        results[row + F_CPU_NANOS] = c1 - c0
        results[row + F_DONE] = 1
    except BaseException:
        results[row + F_DONE] = -1
        raise


def bench(op, procs, seconds, warmup, length, timeout=120):
    ctx = mp.get_context('spawn')
    if op == 'locked-increment':
        obj = ctx.Value('q', 0)
    else:
        obj = ctx.Array('d', length, lock=False)
    control = ctx.RawArray('q', 1)
    results = ctx.RawArray('q', procs * FIELDS)
    workers = [ctx.Process(target=worker, args=(op, obj, control, results, k, procs, length), daemon=True)
               for k in range(procs)]
    for p in workers:
        p.start()

    def wait_for(field, what):
        deadline = time.monotonic() + timeout
        while sum(1 for k in range(procs) if results[k * FIELDS + field] != 0) < procs:
            if any(results[k * FIELDS + F_DONE] == -1 for k in range(procs)) or \
                    any(not p.is_alive() and p.exitcode not in (0, None) for p in workers):
                raise RuntimeError('a worker process failed while waiting for %s' % what)
            if time.monotonic() > deadline:
                raise RuntimeError('timed out waiting for %s' % what)
            time.sleep(0.005)

    try:
        wait_for(F_READY, 'the processes to start')
        control[0] = WARMUP
        time.sleep(warmup)
        control[0] = MEASURE
        time.sleep(seconds)
        control[0] = STOP
        wait_for(F_DONE, 'the processes to finish')
        if any(results[k * FIELDS + F_DONE] != 1 for k in range(procs)):
            raise RuntimeError('a worker process failed')
    except BaseException:
        control[0] = ABORT
        raise
    finally:
        for p in workers:
            p.join(10)
            if p.is_alive():
                p.kill()
    rows = [dict(pid=results[k * FIELDS + F_PID], operations=results[k * FIELDS + F_OPS],
                 seconds=results[k * FIELDS + F_NANOS] / 1e9, totalOperations=results[k * FIELDS + F_TOTAL],
                 cpuSeconds=results[k * FIELDS + F_CPU_NANOS] / 1e9)
            for k in range(procs)]
    for r in rows:
        r['opsPerSec'] = r['operations'] / r['seconds'] if r['seconds'] else 0.0
        r['cpuNsPerOp'] = r['cpuSeconds'] * 1e9 / r['operations'] if r['operations'] else 0.0
    measured = sum(r['operations'] for r in rows)
    window = max(r['seconds'] for r in rows)
    out = dict(system='python-shm', op=op, procs=procs, python=sys.version.split()[0],
               lock='own' if op == 'locked-increment' else 'none', operations=measured, seconds=window,
               opsPerSec=measured / window if window else 0.0,
               cpuNsPerOp=sum(r['cpuSeconds'] for r in rows) * 1e9 / measured if measured else 0.0,
               warmupSeconds=warmup, counter=None, perProcess=rows)
    if op == 'locked-increment':
        expected = sum(r['totalOperations'] for r in rows)
        out['counter'] = dict(value=obj.value, expected=expected, ok=obj.value == expected)
    return out


def text(r):
    code = {'locked-increment': "with v.get_lock(): v.value += 1   (v = Value('q', 0))",
            'array-write': "a[i] = 1.5 in the process's own range   (a = Array('d', N, lock=False))"}[r['op']]
    lines = ['python shm %s: %d process%s, Python %s' % (r['op'], r['procs'], '' if r['procs'] == 1 else 'es',
                                                         r['python']),
             '  ' + code,
             '  warm-up: %.1f s; measured: {:,} operations in %.3f s'.format(r['operations'])
             % (r['warmupSeconds'], r['seconds']),
             '  throughput: {:,.0f} ops/s ({:.1f} ns of CPU per operation)'.format(r['opsPerSec'],
                                                                                 r['cpuNsPerOp']),
             '  %-7s %-8s %16s %9s %16s %9s' % ('process', 'pid', 'operations', 'seconds', 'ops/s', 'cpu ns/op')]
    for k, p in enumerate(r['perProcess']):
        lines.append('  %-7d %-8d %16s %9.3f %16s %9.1f' % (k, p['pid'], '{:,}'.format(p['operations']),
                                                           p['seconds'], '{:,.0f}'.format(p['opsPerSec']),
                                                           p['cpuNsPerOp']))
    if r['counter']:
        c = r['counter']
        lines.append('  counter: {:,}; operations of all processes, warm-up included: {:,}: {}'.format(
            c['value'], c['expected'], 'ok' if c['ok'] else 'LOST UPDATES'))
    return '\n'.join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--op', choices=['locked-increment', 'array-write'], required=True)
    ap.add_argument('--procs', type=int, default=1)
    ap.add_argument('--seconds', type=float, default=3.0, help='measured seconds (default 3)')
    ap.add_argument('--warmup', type=float, default=0.5, help='warm-up seconds, all processes together (0.5)')
    ap.add_argument('--length', type=int, default=4096, help="elements of the 'd' array (4096)")
    ap.add_argument('--json', action='store_true', help='print one JSON object instead of text')
    a = ap.parse_args()
    if a.procs < 1 or a.seconds <= 0 or a.warmup < 0 or a.length < a.procs:
        ap.error('--procs at least 1, --seconds positive, --warmup not negative, --length at least --procs')
    r = bench(a.op, a.procs, a.seconds, a.warmup, a.length)
    print(json.dumps(r) if a.json else text(r), flush=True)
    if r['counter'] and not r['counter']['ok']:
        print('shm_python.py: the counter is %d but the processes did %d increments: lost updates'
              % (r['counter']['value'], r['counter']['expected']), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
