package io.jmanager.shm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Who a process is, in a form that survives pid reuse: its pid, its start time (clock ticks after boot, from
 * {@code /proc/<pid>/stat}; a recycled pid has another start time), its pid namespace (a pid means something only in
 * its own namespace: containers have their own) and the boot it belongs to (a file outside tmpfs outlives a reboot).
 *
 * <p>{@link #liveness} answers for another process's identity whether it still runs. Where {@code /proc} is missing
 * (not Linux), the start time is {@link ProcessHandle.Info#startInstant()} in milliseconds and namespace and boot are 0.
 *
 * @param pid         the process id
 * @param startTicks  the start time, in clock ticks after boot (or epoch milliseconds without {@code /proc})
 * @param pidNamespace the inode of the pid namespace ({@code /proc/self/ns/pid}), 0 where unknown
 * @param bootId      a hash of {@code /proc/sys/kernel/random/boot_id}, 0 where unknown
 */
record ProcessIdentity(long pid, long startTicks, long pidNamespace, long bootId) {
    private static final Path PROC = Path.of("/proc");
    private static final boolean HAS_PROC = Files.isReadable(PROC.resolve("self/stat"));

    /** What a waiter can tell about an owner. */
    enum Liveness { ALIVE, DEAD, UNKNOWN }

    private static final long UNREADABLE = -1;
    private static final ProcessIdentity CURRENT = current();

    /** This process. */
    static ProcessIdentity self() {
        return CURRENT;
    }

    private static ProcessIdentity current() {
        long pid = ProcessHandle.current().pid();
        if (!HAS_PROC) {
            return new ProcessIdentity(pid, startMillis(ProcessHandle.current()).orElse(0L), 0, 0);
        }
        long start = procStartTicks(pid).orElseThrow(() -> new IllegalStateException(
                "cannot read this process's start time from /proc/self/stat"));
        return new ProcessIdentity(pid, start, namespaceInode(), bootIdHash());
    }

    /**
     * Tells whether the process with this identity still runs, as seen from this process: DEAD if it has exited
     * (or is a zombie), its pid now belongs to a process started later, or the host rebooted since; UNKNOWN if it
     * lives in another pid namespace (another container), whose processes this one cannot see; ALIVE otherwise.
     * A stopped process (SIGSTOP) is alive.
     */
    Liveness liveness() {
        ProcessIdentity me = CURRENT;
        if (bootId != me.bootId) {
            return Liveness.DEAD;
        }
        if (pidNamespace != me.pidNamespace || (HAS_PROC && pidNamespace == 0)) {
            return Liveness.UNKNOWN; // another container's pid, or a namespace we could not read: never guess
        }
        if (pid == me.pid) {
            return startTicks == me.startTicks ? Liveness.ALIVE : Liveness.DEAD;
        }
        if (!HAS_PROC) {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            boolean same = handle.isPresent() && handle.get().isAlive()
                    && startMillis(handle.get()).map(s -> s == startTicks).orElse(true);
            return same ? Liveness.ALIVE : Liveness.DEAD;
        }
        Optional<String[]> stat = procStat(pid);
        if (stat.isEmpty()) {
            return Liveness.DEAD;
        }
        String[] fields = stat.get();
        String state = fields[0];
        if (state.equals("Z") || state.equals("X") || state.equals("x")) {
            return Liveness.DEAD; // killed, not yet reaped by its parent
        }
        long start = Long.parseLong(fields[19]);
        return start == startTicks || start == UNREADABLE ? Liveness.ALIVE : Liveness.DEAD;
    }

    private static Optional<Long> startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli);
    }

    private static Optional<Long> procStartTicks(long pid) {
        return procStat(pid).map(f -> Long.parseLong(f[19]));
    }

    /** The fields of {@code /proc/<pid>/stat} after the command name: [0] is the state, [19] the start time. */
    private static Optional<String[]> procStat(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.US_ASCII);
            int close = stat.lastIndexOf(')');
            String[] fields = stat.substring(close + 2).trim().split(" ");
            return fields.length > 19 ? Optional.of(fields) : Optional.empty();
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException | RuntimeException unreadable) {
            // a process that vanished while we read, or a kernel that writes another format: treat as gone only
            // if the directory is gone too
            return Files.exists(PROC.resolve(Long.toString(pid))) ? Optional.of(aliveUnknownStart()) : Optional.empty();
        }
    }

    /** The stat of a process that exists but whose stat could not be parsed: alive, start time unknown. */
    private static String[] aliveUnknownStart() {
        String[] fields = new String[20];
        java.util.Arrays.fill(fields, "0");
        fields[0] = "S";
        fields[19] = Long.toString(UNREADABLE);
        return fields;
    }

    private static long namespaceInode() {
        try {
            String link = Files.readSymbolicLink(PROC.resolve("self/ns/pid")).toString(); // pid:[4026531836]
            return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
        } catch (IOException | RuntimeException unknown) {
            return 0;
        }
    }

    private static long bootIdHash() {
        try {
            String id = Files.readString(PROC.resolve("sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).trim();
            long h = 1125899906842597L;
            for (int i = 0; i < id.length(); i++) {
                h = 31 * h + id.charAt(i);
            }
            return h;
        } catch (IOException unknown) {
            return 0;
        }
    }

    @Override
    public String toString() {
        return "pid " + pid;
    }
}
