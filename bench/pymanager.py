#!/usr/bin/env python3
"""Python's multiprocessing SyncManager over TCP: the peer jmanager is compared with.

    python3 bench/pymanager.py serve --port 23502
    python3 bench/pymanager.py run --port 23502 --op set,get,lock,incr,connect --clients N \
        --duration S --warmup S [--json]
    python3 bench/pymanager.py run --port 23502 --control --clients N

`serve` runs one manager server in this process (BaseManager.get_server().serve_forever(), one thread per
connection), with named shared objects: a dict, a Lock and a Value('i'). `run` spawns N fresh client
interpreters (start method 'spawn': nothing is inherited but the CPU affinity set with taskset) that each
connect by address and authkey, like a remote worker. Every client sleeps until a common start instant, then
runs the listed operations one after another, each with a warm-up and a measured window on one schedule for all
clients (CLOCK_MONOTONIC is system-wide), counting the operations that complete inside the window; the aggregate
is the sum of operations over the window, as for the two Java systems. One JSON line per operation.

With --control, the N client processes are started once and then measure one window per command read from
standard input, as `worker.jar bench --control` and `RmiFloor client --control` do: `window OP SECONDS` (all
clients from one common instant; answers one JSON line with ops/s, latency percentiles and the clients' CPU time
per operation, from time.process_time() in each client, summed) or `quit`. It prints {"ready": true, ...} first;
a wrong command answers {"error": "..."}.

Operations (one op = what the jmanager bench counts as one):
  set      d[k] = v      (str key of a 10,000-key space, 16-byte bytes value)
  get      d[k]          (the dict is filled first, so every key is present)
  lock     lock.acquire(); lock.release()                      -- one pair
  incr     with lock: v.value += 1                            -- acquire, get, set, release
  connect  BaseManager.connect() + named_dict() + a first d.get(k), in a running interpreter
"""
import argparse
import json
import multiprocessing as mp
import random
import statistics
import sys
import threading
import time
from multiprocessing.managers import (AcquirerProxy, BaseManager, DictProxy, Value,
                                      ValueProxy)

AUTHKEY = b'jmanager-bench-authkey'
OPS = ('set', 'get', 'lock', 'incr', 'connect')
KEYS = 10000

_objects = {}
_objects_lock = threading.Lock()


def _named(kind, name, factory):
    with _objects_lock:
        obj = _objects.get((kind, name))
        if obj is None:
            obj = _objects[(kind, name)] = factory()
        return obj


def named_dict(name):
    return _named('dict', name, dict)


def named_lock(name):
    return _named('lock', name, threading.Lock)


def named_value(name):
    return _named('value', name, lambda: Value('i', 0))


class BenchManager(BaseManager):
    """Hands out shared objects by name, like jmanager's get-or-create."""


BenchManager.register('named_dict', named_dict, DictProxy)
BenchManager.register('named_lock', named_lock, AcquirerProxy)
BenchManager.register('named_value', named_value, ValueProxy)


def connect(port):
    m = BenchManager(address=('127.0.0.1', port), authkey=AUTHKEY)
    m.connect()
    return m


def key(k):
    return 'key:%d' % k


def make_op(m, op, value_size):
    """The loop body of one client: returns a function doing one operation."""
    rnd = random.Random()
    if op == 'set':
        d = m.named_dict('bench:dict')
        value = b'x' * value_size

        def run():
            d[key(rnd.randrange(KEYS))] = value
        return run
    if op == 'get':
        d = m.named_dict('bench:dict')

        def run():
            d[key(rnd.randrange(KEYS))]
        return run
    if op == 'lock':
        lock = m.named_lock('bench:lock')

        def run():
            lock.acquire()
            lock.release()
        return run
    if op == 'incr':
        lock = m.named_lock('bench:incr-lock')
        v = m.named_value('bench:incr')

        def run():
            with lock:
                v.value += 1
        return run
    raise ValueError('unknown op ' + op)


def client(port, ops, start_at, warmup, duration, value_size, resq):
    try:
        m = connect(port)
        runs = {op: make_op(m, op, value_size) for op in ops if op != 'connect'}
        out = []
        t_start = start_at
        for op in ops:
            t_from = t_start + warmup
            t_end = t_from + duration
            time.sleep(max(0.0, t_start - time.monotonic()))
            if op == 'connect':
                out.append(connect_loop(port, t_from, t_end))
            else:
                run = runs[op]
                n = done = 0
                while True:
                    before = time.monotonic()
                    if before >= t_end:
                        break
                    run()
                    done += 1
                    if before >= t_from and time.monotonic() <= t_end:
                        n += 1
                out.append(dict(ops=n, done=done))
            t_start = t_end
        resq.put(out)
    except BaseException as e:  # report, never hang the parent
        resq.put(dict(error='%s: %s' % (type(e).__name__, e)))


def connect_loop(port, t_from, t_end):
    latencies = []
    while True:
        before = time.monotonic()
        if before >= t_end:
            break
        m = connect(port)
        d = m.named_dict('bench:dict')
        d.get(key(0))
        after = time.monotonic()
        del d, m
        if before >= t_from and after <= t_end:
            latencies.append(after - before)
    return dict(ops=len(latencies), done=len(latencies), latencies=latencies)


def control_client(port, value_size, conn):
    """One --control client process: connects, then runs one window per (op, seconds, start_at) it receives."""
    try:
        m = connect(port)
        runs = {}
        conn.send('ready')
        while True:
            msg = conn.recv()
            if msg is None:
                return
            op, seconds, start_at = msg
            try:
                if op != 'connect' and op not in runs:
                    runs[op] = make_op(m, op, value_size)
                time.sleep(max(0.0, start_at - time.monotonic()))
                end = start_at + seconds
                cpu0 = time.process_time()
                if op == 'connect':
                    r = connect_loop(port, start_at, end)
                    lat = r['latencies']
                else:
                    run = runs[op]
                    lat = []
                    add = lat.append
                    while True:
                        before = time.monotonic()
                        if before >= end:
                            break
                        run()
                        after = time.monotonic()
                        if after <= end:
                            add(after - before)
                conn.send(dict(ops=len(lat), cpu=time.process_time() - cpu0, latencies=lat))
            except Exception as e:  # the op failed: report it, stay up for the next command
                conn.send(dict(error='%s: %s' % (type(e).__name__, e)))
    except BaseException as e:  # report, never hang the parent
        try:
            conn.send(dict(error='%s: %s' % (type(e).__name__, e)))
        except Exception:
            pass


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    k = max(0, min(len(sorted_values) - 1, int(-(-p / 100 * len(sorted_values) // 1)) - 1))
    return sorted_values[k]


def control(a):
    """run --control: see the module comment."""
    m = connect(a.port)
    d = m.named_dict('bench:dict')
    value = b'x' * a.value_size
    d.update({key(k): value for k in range(KEYS)})
    ctx = mp.get_context('spawn')
    pipes, procs = [], []
    for _ in range(a.clients):
        mine, theirs = ctx.Pipe()
        p = ctx.Process(target=control_client, args=(a.port, a.value_size, theirs), daemon=True)
        p.start()
        pipes.append(mine)
        procs.append(p)
    for c in pipes:
        r = c.recv()
        if r != 'ready':
            raise SystemExit('a client did not start: %s' % r)
    print(json.dumps(dict(ready=True, processes=a.clients, threads=1, inFlight=0)), flush=True)
    for line in sys.stdin:
        f = line.split()
        if not f:
            continue
        if f[0] == 'quit':
            break
        try:
            if f[0] != 'window' or len(f) != 3:
                raise ValueError("unknown command '%s': use window OP SECONDS (e.g. window set 3) or quit"
                                 % line.strip())
            op = {'put': 'set'}.get(f[1], f[1])
            if op not in OPS:
                raise ValueError('unknown op %s: use %s' % (f[1], ','.join(OPS)))
            seconds = float(f[2])
            if not 0 < seconds <= 3600:
                raise ValueError('SECONDS must be above 0 and at most 3600: %s' % f[2])
            start_at = time.monotonic() + 0.05 + 0.005 * a.clients
            for c in pipes:
                c.send((op, seconds, start_at))
            results = [c.recv() for c in pipes]
            errors = [r['error'] for r in results if 'error' in r]
            if errors:
                raise ValueError('a client failed: ' + errors[0])
            n = sum(r['ops'] for r in results)
            cpu = sum(r['cpu'] for r in results)
            lat = sorted(x for r in results for x in r['latencies'])
            out = dict(op=op, processes=a.clients, threads=1, inFlight=0, operations=n, seconds=seconds,
                       opsPerSec=round(n / seconds, 1), clientCpuUs=round(cpu * 1e6, 1),
                       clientCpuUsPerOp=round(cpu * 1e6 / n, 3) if n else -1)
            for name, p in (('p50Us', 50), ('p90Us', 90), ('p99Us', 99), ('p999Us', 99.9)):
                out[name] = round(percentile(lat, p) * 1e6, 2)
            out['maxUs'] = round(lat[-1] * 1e6, 2) if lat else 0.0
            print(json.dumps(out), flush=True)
        except ValueError as e:
            print(json.dumps(dict(error=str(e))), flush=True)
    for c in pipes:
        c.send(None)
    for p in procs:
        p.join(10)
    print(json.dumps(dict(quit=True)), flush=True)


def serve(port):
    m = BenchManager(address=('127.0.0.1', port), authkey=AUTHKEY)
    server = m.get_server()
    print('python manager ready at 127.0.0.1:%d (python %s)' % (port, sys.version.split()[0]), flush=True)
    server.serve_forever()


def bench(a):
    ops = a.op.split(',')
    for op in ops:
        if op not in OPS:
            raise SystemExit('unknown --op %s: use %s' % (op, ','.join(OPS)))
    m = connect(a.port)
    if 'get' in ops or 'connect' in ops:
        d = m.named_dict('bench:dict')
        value = b'x' * a.value_size
        d.update({key(k): value for k in range(KEYS)})
    if 'incr' in ops:
        m.named_value('bench:incr').value = 0
    ctx = mp.get_context('spawn')
    resq = ctx.Queue()
    start_at = time.monotonic() + 0.6 + 0.25 * a.clients  # interpreter start-up of every client
    procs = [ctx.Process(target=client, args=(a.port, ops, start_at, a.warmup, a.duration, a.value_size,
                                              resq), daemon=True) for _ in range(a.clients)]
    for p in procs:
        p.start()
    results = [resq.get(timeout=start_at - time.monotonic() + len(ops) * (a.warmup + a.duration) + 60)
               for _ in procs]
    for p in procs:
        p.join(10)
    errors = [r['error'] for r in results if isinstance(r, dict)]
    if errors:
        raise SystemExit('a client failed: ' + errors[0])
    for k, op in enumerate(ops):
        mine = [r[k] for r in results]
        n = sum(r['ops'] for r in mine)
        out = dict(op=op, clients=a.clients, operations=n, seconds=a.duration,
                   opsPerSec=round(n / a.duration, 1))
        if op == 'incr':
            total = sum(r['done'] for r in mine)
            got = m.named_value('bench:incr').value
            out['check'] = dict(increments=total, value=got, ok=(got == total))
        if op == 'connect':
            lat = sorted(x for r in mine for x in r['latencies'])
            if lat:
                out['p50Us'] = round(statistics.median(lat) * 1e6, 1)
                out['meanUs'] = round(statistics.mean(lat) * 1e6, 1)
        else:
            out['meanUs'] = round(a.clients * a.duration * 1e6 / n, 2) if n else 0
        if a.json:
            print(json.dumps(out), flush=True)
        else:
            print('python manager %s: %d client processes: %d ops in %.2f s: %.0f ops/s%s' % (
                op, a.clients, n, a.duration, out['opsPerSec'],
                ', p50 %.1f ms' % (out['p50Us'] / 1000) if 'p50Us' in out else ''), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('mode', choices=['serve', 'run'])
    ap.add_argument('--port', type=int, default=23502)
    ap.add_argument('--op', default='set', help='one or more (comma-separated) of ' + ','.join(OPS))
    ap.add_argument('--clients', type=int, default=1)
    ap.add_argument('--duration', type=float, default=5.0)
    ap.add_argument('--warmup', type=float, default=1.0)
    ap.add_argument('--value-size', type=int, default=16)
    ap.add_argument('--json', action='store_true')
    ap.add_argument('--control', action='store_true', help='one window per command on stdin (see above)')
    a = ap.parse_args()
    if a.mode == 'serve':
        serve(a.port)
    elif a.control:
        control(a)
    else:
        bench(a)


if __name__ == '__main__':
    main()
