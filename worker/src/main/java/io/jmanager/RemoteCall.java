package io.jmanager;

/** One remote invocation, for {@link Rpc}: may throw {@link java.rmi.RemoteException} or a declared exception. */
@FunctionalInterface
interface RemoteCall<T> {
    T call() throws Exception;
}
