#!/usr/bin/env python3
"""The driver of bench/compare.sh (which builds the jars, then runs this): jmanager against plain RMI, Python's
manager and, when asked, Hazelcast and Redis, in one invocation and one CPU placement, with alternating windows.

    python3 bench/compare.py --out DIR [--quick] [--placement split|shared] [--rounds R] [--window S]
                             [--groups p1,p4,p8,t4,t16,t64,a1,a16] [--peers hazelcast,redis] [--in-flight N]
                             [--wait-quiet S] [--plot FILE]

DIR must hold jars/registry.jar, jars/worker.jar and classes/RmiFloor.class (compare.sh puts them there).

Method. Every server is started once, pinned to the server CPU, and stays up. For each group of rows (1, 4 and 8
client processes; 16 and 64 threads in one JVM; asynchronous with N in flight from 1 and 16 threads), each system's
clients are started once, pinned to the client CPU, in control mode (`worker.jar bench --control`, `RmiFloor client
--control`, `pymanager.py run --control`, `HzBench client`; Redis is `redis-benchmark`, one invocation per window).
Each system is warmed up per operation until its rate stops rising: windows of one slice (1 s) until two in a row
(--patience) are each not more than 2 % above the best slice before them (capped). Then R rounds: in each round,
for each operation, every system measures one window in turn (the order rotates from round to round); the systems
not measuring are idle. Just before its window a system runs a short unmeasured one (--prime), so that its threads
and connections are awake. Each window records ops/s, latency percentiles, the client CPU time per operation (the
tool's own measurement: getProcessCpuTime of the calling JVMs, process_time of the Python clients, the rusage of
redis-benchmark) and the server CPU time per operation (utime+stime of the server's /proc/PID/stat over the
window), and the CPU used meanwhile by processes outside the benchmark ("other cores").

Writes DIR/results.jsonl (one line per window and per warm-up), and prints the table (bench/report.py), which also
goes to DIR/summary.md; draws DIR/throughput.png (bench/plot.py) when matplotlib is there.
"""
import argparse
import json
import os
import queue
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HZ = os.sysconf('SC_CLK_TCK')

# group id -> (label, processes, threads, in flight, operations, systems). A system measures the operations of
# its group that it has (plain RMI and Hazelcast: put, get; Redis: put, get, or put pipelined).
GROUPS = {
    'p1': ('1 client process', 1, 1, 0, ['put', 'get', 'lock', 'incr', 'batch', 'connect'],
           ['rmi', 'jmanager', 'python', 'hazelcast', 'redis']),
    'p4': ('4 client processes', 4, 1, 0, ['put', 'get', 'lock', 'incr'], ['rmi', 'jmanager', 'python', 'hazelcast']),
    'p8': ('8 client processes', 8, 1, 0, ['put'], ['rmi', 'jmanager', 'python']),
    # jm-unshared: jmanager's client with --unshared-calls (every synchronous call its own remote call), to show
    # what sharing batch calls between threads does (AsyncOptions.shareSynchronousCalls, on by default)
    # the shape of Hazelcast's 4-thread client (one JVM, 4 threads, one connection): jmanager's threads share
    # batch calls here, which its 4 client processes (p4) cannot
    't4': ('4 threads in one JVM', 1, 4, 0, ['put', 'get'], ['rmi', 'jmanager', 'jm-unshared', 'hazelcast']),
    't16': ('16 threads in one JVM', 1, 16, 0, ['put'], ['rmi', 'jmanager', 'jm-unshared']),
    't64': ('64 threads in one JVM', 1, 64, 0, ['put'], ['rmi', 'jmanager', 'jm-unshared']),
    # not in the default list: 16 managers (sessions, connections) in one JVM, one thread each; plain RMI's
    # counterpart is 16 threads on one stub (RMI pools connections per endpoint, whoever holds the stub)
    'm16': ('16 managers in one JVM', 1, 16, 0, ['put'], ['rmi', 'jmanager']),
    'a1': ('async, 1 thread', 1, 1, 'N', ['put'], ['rmi', 'jmanager', 'redis']),
    'a16': ('async, 16 threads in one JVM', 1, 16, 'N', ['put'], ['rmi', 'jmanager']),
}
# client systems whose clients are JVMs (Hazelcast's 4 threads are one JVM, so its groups have one process)
JVM_SYSTEMS = {'rmi', 'jmanager', 'jm-unshared'}
# the least warm-up of a multi-process JVM group's first operation, per client process (seconds)
JVM_WARM_PER_PROCESS = 6

SUPPORTED = {
    'rmi': {'put', 'get'},
    'jmanager': {'put', 'get', 'lock', 'incr', 'batch', 'connect'},
    'jm-unshared': {'put', 'get'},
    'python': {'put', 'get', 'lock', 'incr', 'connect'},
    'hazelcast': {'put', 'get'},
    'redis': {'put', 'get'},
}


def log(*a):
    print(*a, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def proc_ticks(pid):
    """utime + stime of a process, in clock ticks (every thread)."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return int(fields[11]) + int(fields[12])


def busy_ticks():
    with open('/proc/stat') as f:
        v = f.readline().split()[1:]
    return sum(int(x) for x in (v[0], v[1], v[2], v[5], v[6]))


class Server:
    """One pinned server process; ready when its log shows `ready_text`."""

    def __init__(self, name, argv, cpu, logdir, ready_text, env=None):
        self.name = name
        self.log_path = os.path.join(logdir, name + '-server.log')
        self.log = open(self.log_path, 'w')
        self.p = subprocess.Popen(['taskset', '-c', str(cpu)] + argv, stdout=self.log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
        self.ready_text = ready_text

    def wait_ready(self, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            with open(self.log_path) as f:
                if self.ready_text in f.read():
                    return
            if self.p.poll() is not None:
                break
            time.sleep(0.1)
        with open(self.log_path) as f:
            raise SystemExit('compare: the %s server did not start:\n%s' % (self.name, f.read()[-3000:]))

    def ticks(self):
        return proc_ticks(self.p.pid)

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


class ControlClient:
    """A client session in control mode: one command line in, one JSON line out."""

    def __init__(self, system, argv, cpu, logfile, env=None, start_timeout=180):
        self.system = system
        self.p = subprocess.Popen(['taskset', '-c', str(cpu)] + argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=logfile, text=True, bufsize=1, env=env, cwd=ROOT)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.ready = self._answer(start_timeout)
        if not self.ready.get('ready'):
            self.p.kill()
            self.p.wait()
            raise SystemExit('compare: %s clients did not start: %s (see logs/clients.log)' % (system, self.ready))

    def _read(self):
        for line in self.p.stdout:
            if line.startswith('{'):
                self.lines.put(line)
        self.lines.put(None)

    def _answer(self, timeout):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return {'error': 'no answer within %d s' % timeout}
        if line is None:
            return {'error': 'the client process ended (exit %s; see logs/clients.log)' % self.p.wait()}
        return json.loads(line)

    def window(self, op, seconds):
        self.p.stdin.write('window %s %s\n' % (op, seconds))
        self.p.stdin.flush()
        return self._answer(seconds + 120)

    def close(self):
        try:
            self.p.stdin.write('quit\n')
            self.p.stdin.close()
            self.p.wait(30)
        except (OSError, subprocess.TimeoutExpired):
            self.p.kill()
            self.p.wait()


class RedisClient:
    """redis-benchmark, one invocation per window: SET/GET of 16-byte values on a 10,000-key space, one
    connection, `pipeline` commands in flight. The window's length follows from the request count, sized from the
    previous window's rate."""

    def __init__(self, port, pipeline, cpu, logfile):
        self.port, self.pipeline, self.cpu, self.logfile = port, pipeline, cpu, logfile
        self.rate = {}
        self.ready = {'ready': True, 'processes': 1, 'threads': 1, 'inFlight': pipeline}

    def window(self, op, seconds):
        test = {'put': 'set', 'get': 'get'}[op]
        n = max(1000, int(self.rate.get(op, 20000 * self.pipeline) * seconds))
        argv = ['taskset', '-c', str(self.cpu), 'redis-benchmark', '-p', str(self.port), '-c', '1', '-P',
                str(self.pipeline), '-t', test, '-d', '16', '-r', '10000', '-n', str(n), '--csv', '--precision', '3']
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        out = subprocess.run(argv, capture_output=True, text=True)
        secs = time.monotonic() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.logfile.write(out.stderr)
        rows = [l.replace('"', '').split(',') for l in out.stdout.splitlines() if l.startswith('"' + test.upper())]
        if out.returncode != 0 or not rows:
            return {'error': 'redis-benchmark failed (exit %d): %s' % (out.returncode, out.stdout + out.stderr)}
        f = rows[0]  # test, rps, avg, min, p50, p95, p99, max (ms)
        rate = float(f[1])
        self.rate[op] = rate
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        return {'op': op, 'processes': 1, 'threads': 1, 'inFlight': self.pipeline, 'operations': n,
                'seconds': round(secs, 3), 'opsPerSec': rate, 'p50Us': float(f[4]) * 1000,
                'p99Us': float(f[6]) * 1000, 'maxUs': float(f[7]) * 1000, 'clientCpuUs': cpu * 1e6,
                'clientCpuUsPerOp': cpu * 1e6 / n}

    def close(self):
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', required=True)
    ap.add_argument('--quick', action='store_true', help='smoke test: 2 rounds of 1 s windows, short warm-ups')
    ap.add_argument('--placement', choices=['split', 'shared'], default='split')
    ap.add_argument('--rounds', type=int, help='rounds of alternating windows (default 5; --quick: 2)')
    ap.add_argument('--window', type=float, help='seconds per measured window (default 3; --quick: 1)')
    ap.add_argument('--slice', type=float, help='seconds per warm-up slice (default 1; --quick: 0.5)')
    ap.add_argument('--tolerance', type=float, default=0.02,
                    help='warm-up ends at a slice not more than this much above the best before it (0.02)')
    ap.add_argument('--patience', type=int,
                    help='flat slices in a row that end a warm-up (default 2; --quick: 1)')
    ap.add_argument('--prime', type=float, default=0.3, help='unmeasured seconds just before each window (0.3)')
    ap.add_argument('--groups', default='p1,p4,p8,t4,t16,t64,a1,a16',
                    help='which groups of rows, in order (also m16: 16 managers in one JVM)')
    ap.add_argument('--peers', default='', help='hazelcast,redis: the peers to run too (when installed)')
    ap.add_argument('--in-flight', type=int, default=16, help='operations in flight per thread in the async rows')
    ap.add_argument('--wait-quiet', type=float, default=0,
                    help='before each round, wait up to S seconds for the machine to be idle (< 0.1 cores)')
    ap.add_argument('--plot', default='', help='where the plot goes (default OUT/throughput.png)')
    a = ap.parse_args()
    rounds = a.rounds or (2 if a.quick else 5)
    window = a.window or (1.0 if a.quick else 3.0)
    slice_s = a.slice or (0.5 if a.quick else 1.0)
    a.patience = a.patience or (1 if a.quick else 2)
    out = os.path.abspath(a.out)
    logs = os.path.join(out, 'logs')
    os.makedirs(logs, exist_ok=True)
    if a.placement == 'split' and os.cpu_count() < 2:
        raise SystemExit('compare: split placement needs 2 CPUs; use --placement shared')
    server_cpu, client_cpu = (0, 1) if a.placement == 'split' else (0, 0)
    groups = [g.strip() for g in a.groups.split(',') if g.strip()]
    for g in groups:
        if g not in GROUPS:
            raise SystemExit('compare: unknown group %s: use %s' % (g, ','.join(GROUPS)))
    peers = {p.strip() for p in a.peers.split(',') if p.strip()}
    for p in peers:
        if p not in ('hazelcast', 'redis'):
            raise SystemExit('compare: unknown peer %s: use hazelcast, redis' % p)
    if 'redis' in peers and not (shutil.which('redis-server') and shutil.which('redis-benchmark')):
        log('# redis-server or redis-benchmark is not installed (apt-get install redis-server): no Redis rows')
        peers.discard('redis')
    hz_dir = os.path.join(HERE, 'hazelcast')
    if 'hazelcast' in peers and any('hazelcast' in GROUPS[g][5] for g in groups):
        log('# building the Hazelcast peer (mvn -f bench/hazelcast/pom.xml package)')
        b = subprocess.run(['mvn', '-B', '-q', '-f', os.path.join(hz_dir, 'pom.xml'), 'package'],
                           capture_output=True, text=True)
        if b.returncode != 0:
            log('# the Hazelcast peer did not build (no Hazelcast rows):\n' + b.stdout[-2000:] + b.stderr[-2000:])
            peers.discard('hazelcast')
    # the systems of the chosen groups, peers only when asked for and available
    wanted = {s for g in groups for s in GROUPS[g][5]}
    systems = [s for s in ['rmi', 'jmanager', 'jm-unshared', 'python', 'hazelcast', 'redis']
               if s in wanted and (s in peers or s not in ('hazelcast', 'redis'))]

    java = os.environ.get('JAVA', 'java')
    python = os.environ.get('PYTHON', sys.executable)
    env = dict(os.environ, JMANAGER_AUTHKEY=secrets.token_hex(32))
    ports = {s: free_port() for s in systems}
    jars, classes = os.path.join(out, 'jars'), os.path.join(out, 'classes')
    hz_cp = os.path.join(hz_dir, 'target', 'classes') + ':' + os.path.join(hz_dir, 'target', 'lib', '*')
    servers = {}
    clients_log = open(os.path.join(logs, 'clients.log'), 'a')
    results_path = os.path.join(out, 'results.jsonl')
    results = open(results_path, 'w')

    def record(row):
        results.write(json.dumps(row) + '\n')
        results.flush()

    try:
        servers['jmanager'] = Server('jmanager', [java, '-jar', os.path.join(jars, 'registry.jar'), '--port',
                                                  str(ports['jmanager']), '--bind', '127.0.0.1', '--advertise',
                                                  '127.0.0.1'], server_cpu, logs, 'ready at', env)
        servers['rmi'] = Server('rmi', [java, '-cp', classes, 'RmiFloor', 'server', '--port', str(ports['rmi'])],
                                server_cpu, logs, 'ready at')
        if 'python' in systems:
            servers['python'] = Server('python', [python, os.path.join(HERE, 'pymanager.py'), 'serve', '--port',
                                                  str(ports['python'])], server_cpu, logs, 'ready at')
        if 'hazelcast' in systems:
            servers['hazelcast'] = Server('hazelcast', [java, '-cp', hz_cp, 'HzBench', 'member', '--port',
                                                        str(ports['hazelcast'])], server_cpu, logs, 'ready at')
        if 'redis' in systems:
            servers['redis'] = Server('redis', ['redis-server', '--port', str(ports['redis']), '--bind', '127.0.0.1',
                                                '--save', '', '--appendonly', 'no'], server_cpu, logs,
                                      'Ready to accept connections')
        for s in servers.values():
            s.wait_ready()
        head = dict(kind='run', placement=a.placement, serverCpu=server_cpu, clientCpu=client_cpu, rounds=rounds,
                    window=window, slice=slice_s, tolerance=a.tolerance, patience=a.patience, prime=a.prime,
                    inFlight=a.in_flight, quick=a.quick, groups=groups, systems=systems,
                    started=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), loadAverage=os.getloadavg()[0],
                    commit=git_commit(), java=java_version(java))
        record(head)
        log('# placement %s (servers taskset -c %d, clients taskset -c %d); %d rounds of %g s windows, warm-up in'
            ' %g s slices until %d in a row are at most %d %% above the best before them; systems %s; output %s'
            % (a.placement, server_cpu, client_cpu, rounds, window, slice_s, a.patience, a.tolerance * 100,
               ', '.join(systems), out))
        if a.quick:
            log('# --quick is a smoke test of the script: its short windows and warm-ups are no result')
        t0 = time.time()
        for g in groups:
            run_group(g, a, systems, ports, servers, classes, jars, hz_cp, java, python, env, client_cpu,
                      clients_log, record, rounds, window, slice_s)
        log('# measured in %.0f s' % (time.time() - t0))
    finally:
        for s in servers.values():
            s.stop()
        results.close()
    subprocess.run([python, os.path.join(HERE, 'report.py'), results_path, '--markdown',
                    os.path.join(out, 'summary.md')])
    plot_python = os.environ.get('PLOT_PYTHON', '/usr/bin/python3')
    plot = a.plot or os.path.join(out, 'throughput.png')
    if subprocess.run([plot_python, '-c', 'import matplotlib'], capture_output=True).returncode == 0:
        subprocess.run([plot_python, os.path.join(HERE, 'plot.py'), results_path, plot], capture_output=True)
        log('# plot: ' + plot)
    else:
        log('# no plot: %s has no matplotlib (apt-get install -y python3-matplotlib)' % plot_python)


def git_commit():
    r = subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True)
    dirty = subprocess.run(['git', '-C', ROOT, 'status', '--porcelain', '--untracked-files=no'],
                           capture_output=True, text=True).stdout.strip()
    return r.stdout.strip() + ('+changes' if dirty else '')


def java_version(java):
    r = subprocess.run([java, '-version'], capture_output=True, text=True)
    return (r.stderr.splitlines() or ['?'])[0]


def start_client(system, group, a, ports, classes, jars, hz_cp, java, python, env, cpu, logfile):
    label, procs, threads, in_flight, _ops, _systems = GROUPS[group]
    asynchronous = in_flight == 'N'
    if system == 'rmi':
        argv = [java, '-cp', classes, 'RmiFloor', 'client', '--port', str(ports['rmi']), '--control', '--clients',
                str(procs), '--threads', str(threads)]
    elif system in ('jmanager', 'jm-unshared'):
        managers, per_manager = (threads, 1) if group == 'm16' else (procs, threads)
        argv = [java, '-jar', os.path.join(jars, 'worker.jar'), 'bench', '--url',
                'rmi://127.0.0.1:%d' % ports['jmanager'], '--control', '--clients', str(managers), '--threads',
                str(per_manager), '--batch', '1000']
        if system == 'jm-unshared':
            argv.append('--unshared-calls')
        if procs > 1:
            argv.append('--fork')
        if asynchronous:
            argv += ['--async', '--in-flight', str(a.in_flight)]
    elif system == 'python':
        argv = [python, os.path.join(HERE, 'pymanager.py'), 'run', '--port', str(ports['python']), '--control',
                '--clients', str(procs)]
    elif system == 'hazelcast':
        argv = [java, '-cp', hz_cp, 'HzBench', 'client', '--port', str(ports['hazelcast']), '--threads',
                str(procs * threads)]
    elif system == 'redis':
        return RedisClient(ports['redis'], a.in_flight if asynchronous else 1, cpu, logfile)
    else:
        raise ValueError(system)
    logfile.write('# %s %s: %s\n' % (group, system, ' '.join(argv)))
    logfile.flush()
    return ControlClient(system, argv, cpu, logfile, env)


def measured(client, op, seconds, servers, system):
    """One window with the server's and the machine's CPU accounting around it."""
    b0, s0, t0 = busy_ticks(), {k: v.ticks() for k, v in servers.items()}, time.monotonic()
    r = client.window(op, seconds)
    b1, s1, t1 = busy_ticks(), {k: v.ticks() for k, v in servers.items()}, time.monotonic()
    if 'error' in r:
        return r
    ops = r.get('operations', 0)
    served_by = 'jmanager' if system == 'jm-unshared' else system
    server = s1[served_by] - s0[served_by] if served_by in s1 else None
    if server is not None:
        r['serverCpuUs'] = server / HZ * 1e6
        r['serverCpuUsPerOp'] = server / HZ * 1e6 / ops if ops else -1
    all_servers = sum(s1[k] - s0[k] for k in s1) / HZ
    client_cpu = max(0.0, r.get('clientCpuUs', 0) / 1e6)
    r['otherCores'] = round(max(0.0, (b1 - b0) / HZ - all_servers - client_cpu) / (t1 - t0), 3)
    return r


def run_group(g, a, systems, ports, servers, classes, jars, hz_cp, java, python, env, cpu, logfile, record,
              rounds, window, slice_s):
    label, procs, threads, in_flight, ops, group_systems = GROUPS[g]
    patience = a.patience
    mine = [s for s in group_systems if s in systems]
    log('\n## %s (%s): %s' % (label, g, ', '.join(mine)))
    clients = {}
    try:
        for s in mine:
            t = time.time()
            clients[s] = start_client(s, g, a, ports, classes, jars, hz_cp, java, python, env, cpu, logfile)
            log('  %-9s clients started in %.1f s' % (s, time.time() - t))
        # warm-up, per system and operation, until the rate stops rising
        first = {s: True for s in mine}
        for op in ops:
            for s in mine:
                if op not in SUPPORTED[s] or (s == 'redis' and g == 'a1' and op != 'put'):
                    continue
                if s == 'redis':
                    continue  # redis-benchmark is a C client started per window: nothing to warm up
                cap = (10 + 4 * procs if first[s] else 3 + procs) if not a.quick else (3 + procs if first[s] else 2)
                # several client JVMs share the client CPU and each compiles the same code: their rate can look
                # flat for seconds while C2 is still at work (measured 2026-12-07: 8 JVMs kept rising over
                # 5 rounds after a 9-14 s warm-up), so the first operation of a multi-process JVM group warms up
                # for at least JVM_WARM_PER_PROCESS s per process before the flat-slices rule may end it
                floor = (JVM_WARM_PER_PROCESS * procs if first[s] and procs > 1 and s in JVM_SYSTEMS
                         and not a.quick else 0)
                cap = max(cap, floor + 10) if floor else cap
                first[s] = False
                slices, settled, flat = [], False, 0
                t = time.time()
                while True:
                    r = clients[s].window(op, slice_s)
                    if 'error' in r:
                        log('  %-9s %-7s warm-up FAILED: %s' % (s, op, r['error']))
                        break
                    rate = r['opsPerSec']
                    # a slice not more than the tolerance above the best before it is flat; `patience` flat
                    # slices in a row end the warm-up (a dip alone would otherwise end it while still compiling)
                    flat = flat + 1 if slices and rate <= max(slices) * (1 + a.tolerance) else 0
                    slices.append(rate)
                    if flat >= patience and len(slices) * slice_s >= floor:
                        settled = True
                        break
                    if len(slices) * slice_s >= cap:
                        break
                record(dict(kind='warmup', group=g, system=s, op=op, slices=slices, settled=settled,
                            seconds=round(time.time() - t, 1)))
                log('  %-9s %-7s warm-up %4.1f s, %s: %s' % (s, op, time.time() - t,
                                                            'settled' if settled else 'cap reached',
                                                            ' '.join('%.1fk' % (x / 1000) for x in slices)))
        for rnd in range(rounds):
            wait_quiet(a.wait_quiet)
            order = mine[rnd % len(mine):] + mine[:rnd % len(mine)]
            for op in ops:
                for k, s in enumerate(order):
                    if op not in SUPPORTED[s] or (s == 'redis' and g == 'a1' and op != 'put'):
                        continue
                    if a.prime > 0 and s != 'redis':
                        clients[s].window(op, a.prime)
                    r = measured(clients[s], op, window, servers, s)
                    r.update(kind='window', group=g, system=s, op=op, round=rnd, order=k,
                             processes=procs, threads=threads,
                             inFlight=(a.in_flight if in_flight == 'N' and s in ('jmanager', 'redis') else 0))
                    record(r)
                    if 'error' in r:
                        log('  round %d %-9s %-7s FAILED: %s' % (rnd + 1, s, op, r['error']))
                        continue
                    log('  round %d %-9s %-7s %11s ops/s  p50 %7.1f µs  p99.9 %8.1f µs  client %6.1f µs/op'
                        '  server %6.1f µs/op  other %.2f cores'
                        % (rnd + 1, s, op, format(round(r['opsPerSec']), ','), r.get('p50Us', 0),
                           r.get('p999Us', 0), r.get('clientCpuUsPerOp', -1), r.get('serverCpuUsPerOp', -1),
                           r['otherCores']))
    finally:
        for c in clients.values():
            c.close()


def wait_quiet(seconds):
    if not seconds:
        return
    deadline = time.time() + seconds
    while True:
        b0 = busy_ticks()
        time.sleep(2)
        if (busy_ticks() - b0) / HZ / 2 < 0.1:
            return
        if time.time() >= deadline:
            log('  (machine still busy after %g s; going on)' % seconds)
            return


if __name__ == '__main__':
    main()
