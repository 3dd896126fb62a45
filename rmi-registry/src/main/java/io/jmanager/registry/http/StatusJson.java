package io.jmanager.registry.http;

import io.jmanager.registry.ObjectStatus;
import io.jmanager.registry.RegistryServer;
import io.jmanager.registry.metrics.RegistryMetrics;
import io.jmanager.wire.LockInfo;
import io.jmanager.wire.SessionInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The status page's data ({@code GET /api/status}): the registry, its objects, sessions (with what each holds
 * and waits on), locks (holder, waiters, token, held for how long) and the cumulative latency buckets of every
 * operation type, which the page turns into operations per second and percentiles between two reads.
 */
final class StatusJson {
    private StatusJson() {
    }

    static String of(RegistryServer server, RegistryMetrics metrics, long startedMillis) {
        long now = System.currentTimeMillis();
        List<ObjectStatus> objects = server.objects();
        SessionInfo[] sessions = server.sessions();
        LockInfo[] locks = server.locks();
        Map<Long, SessionInfo> byId = new HashMap<>();
        for (SessionInfo s : sessions) {
            byId.put(s.id(), s);
        }
        Map<Long, List<String>> holds = server.holdings();
        Map<Long, List<String>> waits = server.waits();
        Json json = new Json().begin();
        json.key("registry").begin()
                .member("url", server.url())
                .member("version", server.version())
                .member("now", now)
                .member("uptimeMillis", now - startedMillis)
                .member("storage", server.storage())
                .member("durable", server.durable())
                .member("tls", server.tls())
                .member("memoryUsed", server.memory().used())
                .member("memoryLimit", server.memory().limit())
                .member("refusedConnections", server.refusedConnections())
                .end();
        json.key("objects").beginArray();
        for (ObjectStatus o : objects) {
            json.begin().member("name", o.name()).member("type", o.type().name().toLowerCase(Locale.ROOT))
                    .member("summary", o.summary()).member("waiters", o.waiters()).end();
        }
        json.endArray();
        json.key("sessions").beginArray();
        for (SessionInfo s : sessions) {
            json.begin().member("id", s.id()).member("host", s.host()).member("pid", s.pid())
                    .member("leaseMillis", s.leaseMillis()).member("sinceRenewMillis", s.sinceRenewMillis())
                    .member("ageMillis", now - s.openedAtMillis()).member("liveConnection", s.liveConnection());
            strings(json.key("holds"), holds.getOrDefault(s.id(), List.of()));
            strings(json.key("waitsOn"), waits.getOrDefault(s.id(), List.of()));
            json.end();
        }
        json.endArray();
        json.key("locks").beginArray();
        for (LockInfo l : locks) {
            SessionInfo holder = l.holdCount() > 0 ? byId.get(l.holderSession()) : null;
            json.begin().member("name", l.name()).member("type", l.type().name().toLowerCase(Locale.ROOT))
                    .member("held", l.holdCount() > 0).member("holderSession", l.holderSession())
                    .member("holderThread", l.holderThread())
                    .member("holderHost", holder == null ? null : holder.host())
                    .member("holderPid", holder == null ? 0 : holder.pid())
                    .member("holds", l.holdCount())
                    .member("heldMillis", l.holdCount() > 0 ? Math.max(0, now - l.sinceMillis()) : 0)
                    .member("token", l.token()).member("waiters", l.waiters().size());
            strings(json.key("waiting"), l.waiters());
            json.end();
        }
        json.endArray();
        json.key("operations").begin();
        json.key("bounds").beginArray();
        for (double b : RegistryMetrics.latencyBounds()) {
            json.value(b);
        }
        json.endArray();
        json.key("buckets").begin();
        for (Map.Entry<String, long[]> e : metrics.operationBuckets().entrySet()) {
            json.key(e.getKey()).beginArray();
            for (long c : e.getValue()) {
                json.value(c);
            }
            json.endArray();
        }
        json.end().end();
        return json.end().toString();
    }

    private static void strings(Json json, List<String> values) {
        json.beginArray();
        for (String v : values) {
            json.value(v);
        }
        json.endArray();
    }
}
