package io.jmanager.shm.jmh;

import io.jmanager.shm.SharedMemory;
import io.jmanager.shm.SharedMemoryOptions;

/** The area of one benchmark trial: default directory ({@code /dev/shm}), a name of its own, removed afterwards. */
final class ShmAreas {
    private ShmAreas() {
    }

    static String name(Class<?> benchmark) {
        return "jmh-" + benchmark.getSimpleName() + "-" + ProcessHandle.current().pid();
    }

    static SharedMemory open(String name) {
        return SharedMemory.open(name, SharedMemoryOptions.defaults().withCapacity(4 << 20));
    }

    static void remove(SharedMemory shm) {
        shm.close();
        SharedMemory.destroy(shm.name(), SharedMemoryOptions.defaults());
    }
}
