package io.jmanager.registry;

import io.jmanager.ObjectTypeMismatchException;
import io.jmanager.StructLayout;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import java.util.Objects;

/** Validates specs and creates the state machine for each {@link ObjectType}. Stateless. */
final class ObjectFactory {
    /** The most slots one value or array may have. */
    static final long MAX_SLOTS = 1L << 26;

    private ObjectFactory() {
    }

    /**
     * Creates the object for a validated spec; {@code lock} is the bound lock for a condition, else null.
     *
     * @throws IllegalArgumentException if the spec's parameters are invalid
     */
    static GuardedObject create(String name, ObjectSpec spec, RegistryContext context, LockObject lock) {
        switch (spec.type()) {
            case DICT: case NAMESPACE: return new DictObject(name, spec, context);
            case LIST: return new ListObject(name, spec, context);
            case QUEUE:
                require(spec.size() >= 0 && spec.size() <= Integer.MAX_VALUE, name, spec,
                        "maxsize must be 0 (unbounded) or positive");
                return new QueueObject(name, spec, context);
            case LOCK: case RLOCK: return new LockObject(name, spec, context);
            case SEMAPHORE: case BOUNDED_SEMAPHORE:
                require(spec.size() >= 0 && spec.size() <= Integer.MAX_VALUE, name, spec,
                        "permits must be 0 or positive");
                return new SemaphoreObject(name, spec, context);
            case CONDITION: return new ConditionObject(name, spec, context, Objects.requireNonNull(lock));
            case EVENT: return new EventObject(name, spec, context);
            case BARRIER:
                require(spec.size() >= 1 && spec.size() <= Integer.MAX_VALUE, name, spec,
                        "parties must be at least 1");
                return new BarrierObject(name, spec, context);
            case VALUE: case ARRAY: {
                StructLayout layout = StructLayout.parse(spec.layout());
                require(spec.type() != ObjectType.VALUE || spec.size() == 1, name, spec, "a value has one element");
                // size <= MAX_SLOTS / fields, not size * fields <= MAX_SLOTS: the product can overflow
                require(spec.size() >= 0 && spec.size() <= MAX_SLOTS / layout.fieldCount(), name, spec,
                        "length must be 0.." + MAX_SLOTS / layout.fieldCount());
                return new ArrayObject(name, spec, context, layout);
            }
            default: throw new IllegalArgumentException("unknown object type " + spec.type());
        }
    }

    /**
     * Checks that an existing object's spec serves a request.
     *
     * @throws ObjectTypeMismatchException naming both types, or both parameter sets
     */
    static void checkCompatible(String name, ObjectSpec existing, ObjectSpec requested) {
        if (existing.type() != requested.type()) {
            throw new ObjectTypeMismatchException("'" + name + "' already exists as a " + existing.type()
                    + ", not a " + requested.type() + "; names are unique across types: use another name, or"
                    + " destroy('" + name + "') first");
        }
        boolean same;
        switch (existing.type()) {
            case VALUE: case ARRAY:
                // compare canonical layouts: "x:d, y:d" is the layout "x:d,y:d"
                same = StructLayout.parse(existing.layout()).equals(StructLayout.parse(requested.layout()))
                        && existing.size() == requested.size();
                break;
            case QUEUE:
                same = existing.size() == requested.size()
                        && existing.visibilityMillis() == requested.visibilityMillis();
                break;
            case SEMAPHORE: case BOUNDED_SEMAPHORE: case BARRIER:
                same = existing.size() == requested.size();
                break;
            case CONDITION:
                same = existing.linkedName().equals(requested.linkedName());
                break;
            default:
                same = true;
        }
        if (!same) {
            throw new ObjectTypeMismatchException("'" + name + "' already exists as " + existing.describe()
                    + ", which differs from the requested " + requested.describe()
                    + "; use the same parameters, another name, or destroy('" + name + "') first");
        }
    }

    /** Checks an object name: 1..200 characters of letters, digits and {@code . _ - : /}, and not reserved. */
    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > 200 || !name.matches("[A-Za-z0-9._:/-]+")) {
            throw new IllegalArgumentException("invalid shared object name " + (name == null ? "null" : "'" + name
                    + "'") + ": use 1 to 200 letters, digits and . _ - : /");
        }
        if (name.equals(io.jmanager.wire.RemoteManager.BINDING)) {
            throw new IllegalArgumentException("the name '" + name + "' is reserved for the registry itself");
        }
    }

    private static void require(boolean ok, String name, ObjectSpec spec, String what) {
        if (!ok) {
            throw new IllegalArgumentException("invalid " + spec.describe() + " for '" + name + "': " + what);
        }
    }
}
