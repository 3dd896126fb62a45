package io.jmanager.registry;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.rmi.Remote;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wraps an object before it is exported so that each remote call is timed by the {@link RegistryObserver}'s
 * {@link RegistryObserver.OperationTimer} of its (object type, method): a {@link Proxy} with the object's remote
 * interfaces, which RMI exports and dispatches like the object itself. Costs two {@link System#nanoTime()}, one
 * reflective call and the timer's own work per call; the observer is asked for each method's timer once.
 */
final class TimedRemote implements InvocationHandler {
    private final Object target;
    private final String type;
    private final RegistryObserver observer;
    private final Map<Method, RegistryObserver.OperationTimer> timers = new ConcurrentHashMap<>();
    private static final RegistryObserver.OperationTimer UNTIMED = (nanos, failure) -> { };

    private TimedRemote(Object target, String type, RegistryObserver observer) {
        this.target = target;
        this.type = type;
        this.observer = observer;
    }

    /** {@code object} itself if the observer times nothing, else a proxy that times its remote calls. */
    static Remote wrap(Remote object, RegistryObserver observer) {
        if (!observer.timesOperations()) {
            return object;
        }
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        for (Class<?> c = object.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (Remote.class.isAssignableFrom(i)) {
                    interfaces.add(i);
                }
            }
        }
        return (Remote) Proxy.newProxyInstance(object.getClass().getClassLoader(), interfaces.toArray(new Class<?>[0]),
                new TimedRemote(object, typeOf(object), observer));
    }

    /** The type label: the object type in lower case, or {@code manager} for the root object. */
    static String typeOf(Object object) {
        if (object instanceof GuardedObject g) {
            return g.spec.type().name().toLowerCase(Locale.ROOT);
        }
        return object instanceof ManagerService ? "manager" : object.getClass().getSimpleName();
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "timed " + target;
            };
        }
        RegistryObserver.OperationTimer timer = timers.computeIfAbsent(method, m -> {
            RegistryObserver.OperationTimer t = observer.timer(type, m);
            return t == null ? UNTIMED : t;
        });
        long start = System.nanoTime();
        try {
            Object result = method.invoke(target, args);
            timer.ended(System.nanoTime() - start, null);
            return result;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            timer.ended(System.nanoTime() - start, cause);
            throw cause;
        }
    }
}
