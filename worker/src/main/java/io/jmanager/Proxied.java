package io.jmanager;

/** Implemented by every proxy, so that a proxy stored as a value becomes a reference. */
interface Proxied extends SharedObject {
    ProxyContext context();

    @Override
    default String name() {
        return context().name();
    }
}
