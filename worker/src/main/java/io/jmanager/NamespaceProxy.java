package io.jmanager;

import io.jmanager.wire.RemoteDict;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/** The {@link SharedNamespace} proxy, over the registry's dict state machine with string keys. */
final class NamespaceProxy extends PlainProxy implements SharedNamespace {

    NamespaceProxy(ProxyContext ctx) {
        super(ctx);
    }

    /** The current stub: re-resolved by the context after a registry restart. */
    private RemoteDict remote() {
        return (RemoteDict) ctx.stub();
    }

    private byte[] key(String attribute) {
        return ctx.encode(Objects.requireNonNull(attribute, "attribute"));
    }

    @Override
    public <T> T get(String attribute) {
        byte[] k = key(attribute);
        byte[] v = ctx.call(() -> remote().get(k));
        if (v == null) {
            throw new NoSuchElementException("namespace '" + name() + "' has no attribute '" + attribute + "'");
        }
        return ctx.decode(v);
    }

    @Override
    public <T> T get(String attribute, T defaultValue) {
        byte[] k = key(attribute);
        byte[] v = ctx.call(() -> remote().get(k));
        return v == null ? defaultValue : ctx.decode(v);
    }

    @Override
    public void set(String attribute, Object value) {
        byte[] k = key(attribute);
        byte[] v = ctx.encode(value);
        ctx.call(() -> remote().put(k, v));
    }

    @Override
    public boolean delete(String attribute) {
        byte[] k = key(attribute);
        return ctx.call(() -> remote().remove(k)) != null;
    }

    @Override
    public boolean has(String attribute) {
        byte[] k = key(attribute);
        return ctx.call(() -> remote().containsKey(k));
    }

    @Override
    public Set<String> attributes() {
        return asMap().keySet();
    }

    @Override
    public Map<String, Object> asMap() {
        byte[][] flat = ctx.call(() -> remote().entries());
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.length; i += 2) {
            out.put(ctx.decode(flat[i]), ctx.decode(flat[i + 1]));
        }
        return out;
    }

    @Override
    public String toString() {
        return "Namespace" + asMap();
    }
}
