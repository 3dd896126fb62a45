package io.jmanager;

import io.jmanager.wire.ClientSocketFactory;
import io.jmanager.wire.ClientTransport;
import io.jmanager.wire.GroupStatus;
import io.jmanager.wire.RemoteGroup;
import io.jmanager.wire.RemoteManager;
import io.jmanager.wire.TlsClientSocketFactory;
import java.rmi.NotBoundException;
import java.rmi.Remote;
import java.rmi.registry.LocateRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An operator's view of a registry group ({@code worker.jar group}, docs/group.md): asks every member for its view
 * of the group (role, term, log positions, and the leader's knowledge of its followers). Members are reached over
 * the same authenticated connections as a worker's (the key, and TLS when the options say so), without a session,
 * so followers answer too. The members asked are those given and those the answers name.
 */
public final class RegistryGroupStatus {
    /**
     * One member's answer, or why it gave none.
     *
     * @param url    the member's URL ({@code rmi://host:port})
     * @param status its view of the group, or null
     * @param error  why it could not be asked (unreachable, not a group member, refused the key), or null
     */
    public record Answer(String url, GroupStatus status, String error) {
    }

    private RegistryGroupStatus() {
    }

    /**
     * Asks the members at {@code urls} ({@code rmi://hostA:1099,hostB:1099,...}, or one member's URL), and every
     * other member their answers name, authenticating with {@code key}.
     */
    public static List<Answer> ask(String urls, AuthKey key, ManagerOptions options) {
        Objects.requireNonNull(key, "key");
        ClientTransport.addAuthKey(key.withSource("the key given to RegistryGroupStatus.ask: " + key.source()));
        return ask(urls, options);
    }

    /**
     * Asks the members at {@code urls} and every other member their answers name, with this JVM's keys (as
     * {@link Manager#connect(String, ManagerOptions)} finds them). Never throws for a member that cannot be asked:
     * its answer says why.
     *
     * @throws IllegalArgumentException if {@code urls} is malformed
     */
    public static List<Answer> ask(String urls, ManagerOptions options) {
        List<RegistryUrl> given = RegistryUrl.parseAll(urls);
        Objects.requireNonNull(options, "options");
        ClientTransport.setConnectTimeoutMillis((int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
        ClientTransport.setReadTimeoutMillis((int) Math.min(Integer.MAX_VALUE, options.readTimeout().toMillis()));
        if (options.tls() != null) {
            ClientTransport.setTlsContext(options.tls());
        }
        io.jmanager.wire.WorkerSerialFilterFactory.installIfFilterSet();
        Set<RegistryUrl> toAsk = new LinkedHashSet<>(given);
        Set<RegistryUrl> asked = new LinkedHashSet<>();
        List<Answer> answers = new ArrayList<>();
        while (asked.size() < toAsk.size()) {
            for (RegistryUrl url : List.copyOf(toAsk)) {
                if (!asked.add(url)) {
                    continue;
                }
                Answer a = askOne(url, options);
                answers.add(a);
                if (a.status() != null) {
                    for (GroupStatus.Member m : a.status().members()) {
                        try {
                            toAsk.add(RegistryUrl.parse(m.rmiUrl()));
                        } catch (IllegalArgumentException e) {
                            // a member's URL the registry printed is well-formed; nothing to ask otherwise
                        }
                    }
                }
            }
        }
        return answers;
    }

    private static Answer askOne(RegistryUrl url, ManagerOptions options) {
        boolean outermost = ClientTransport.beginCall();
        try {
            Remote root = LocateRegistry.getRegistry(url.host(), url.port(), options.tls() != null
                    ? new TlsClientSocketFactory() : new ClientSocketFactory()).lookup(RemoteManager.BINDING);
            if (!(root instanceof RemoteGroup group)) {
                return new Answer(url.toString(), null, "a single registry, not a member of a registry group (it"
                        + " was started without --group)");
            }
            return new Answer(url.toString(), group.groupStatus(), null);
        } catch (NotBoundException e) {
            return new Answer(url.toString(), null, "an RMI registry answered, but it serves no jmanager registry");
        } catch (Exception e) {
            return new Answer(url.toString(), null, Rpc.translate(url.toString(), "the registry", e).getMessage());
        } finally {
            ClientTransport.endCall(outermost);
        }
    }
}
