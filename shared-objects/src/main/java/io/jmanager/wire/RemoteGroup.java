package io.jmanager.wire;

import java.rmi.Remote;
import java.rmi.RemoteException;

/**
 * What a registry group member's root object answers besides {@link RemoteManager}, for operators
 * ({@code worker.jar group}). Every member answers, leader or not, without a session: its root is reached over
 * the same authenticated connections (the key, and TLS with {@code --tls}) as every call. A single registry's root
 * does not implement it.
 */
public interface RemoteGroup extends Remote {
    /** This member's view of the group now. */
    GroupStatus groupStatus() throws RemoteException;
}
