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

    /** The attribute names, without decoding a value. */
    @Override
    public Set<String> attributes() {
        byte[][] flat = ctx.call(() -> remote().entries());
        Set<String> out = new java.util.LinkedHashSet<>();
        for (int i = 0; i + 1 < flat.length; i += 2) {
            out.add(ctx.decode(flat[i]));
        }
        return out;
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

    /** The attributes as text; a value this worker does not read shows as {@code <refused: class>}. */
    @Override
    public String toString() {
        byte[][] flat = ctx.call(() -> remote().entries());
        StringBuilder b = new StringBuilder("Namespace{");
        for (int i = 0; i + 1 < flat.length; i += 2) {
            b.append(i == 0 ? "" : ", ").append(ctx.decodeForDisplay(flat[i])).append('=')
                    .append(ctx.decodeForDisplay(flat[i + 1]));
        }
        return b.append('}').toString();
    }
}
