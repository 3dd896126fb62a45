package io.jmanager;

/**
 * A named shared object: a proxy for an object held by a jmanager registry ({@link Manager}), or an object in a
 * same-host shared-memory area ({@link io.jmanager.shm.SharedMemory}, where the registry's notes below do not
 * apply: see its Javadoc). Proxies are thread-safe: any thread of the worker may use them. Each call is one round trip to the registry and atomic there. Proxies never throw
 * {@link java.rmi.RemoteException}: an unreachable registry gives {@link RegistryUnavailableException}, a destroyed
 * object {@link NoSuchSharedObjectException}, an expired session {@link SessionExpiredException}.
 *
 * <p>A proxy stored as a value in another shared object (for example {@code dict.put("todo", list)}) is stored as
 * a reference and read back as a live proxy for the same object.
 */
public interface SharedObject {
    /** The object's name in the registry. */
    String name();
}
