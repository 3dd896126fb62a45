#!/usr/bin/env python3
"""Python's multiprocessing SyncManager over TCP: the peer jmanager is compared with.

    python3 bench/pymanager.py serve --port 23502
    python3 bench/pymanager.py run --port 23502 --op set,get,lock,incr,connect --clients N \
        --duration S --warmup S [--json]

`serve` runs one manager server in this process (BaseManager.get_server().serve_forever(), one thread per
connection), with named shared objects: a dict, a Lock and a Value('i'). `run` spawns N fresh client
interpreters (start method 'spawn': nothing is inherited but the CPU affinity set with taskset) that each
connect by address and authkey, like a remote worker. Every client sleeps until a common start instant, then
runs the listed operations one after another, each with a warm-up and a measured window on one schedule for all
clients (CLOCK_MONOTONIC is system-wide), counting the operations that complete inside the window; the aggregate
is the sum of operations over the window, as for the two Java systems. One JSON line per operation.

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
    a = ap.parse_args()
    if a.mode == 'serve':
        serve(a.port)
    else:
        bench(a)


if __name__ == '__main__':
    main()
