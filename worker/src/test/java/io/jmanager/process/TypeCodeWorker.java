package io.jmanager.process;

import io.jmanager.SharedArray;
import io.jmanager.SharedStructArray;
import io.jmanager.SharedValue;
import io.jmanager.TypeCode;
import java.util.List;

/**
 * {@code TypeCodeWorker URL}: for every typecode, sets the values {@code tc/<code>/min} and {@code tc/<code>/max}
 * (created by the parent) to the extremes of {@link TypeCodeCases}, writes all extremes into array
 * {@code tc/<code>/array} element by element and into {@code tc/<code>/slice} in one slice, and creates
 * {@code tc/<code>/init} initialised with them; writes {@link TypeCodeCases#structs()} into struct array
 * {@code tc/structs} element by element and into {@code tc/structs-all} at once.
 */
public final class TypeCodeWorker {
    @SuppressWarnings("unchecked")
    public static void main(String[] args) {
        Workers.run(args, (m, a) -> {
            for (TypeCode code : TypeCode.values()) {
                List<Object> values = TypeCodeCases.extremes(code);
                ((SharedValue<Object>) m.attach(TypeCodeCases.valueName(code, "min"))).set(values.get(0));
                ((SharedValue<Object>) m.attach(TypeCodeCases.valueName(code, "max"))).set(values.get(1));
                SharedArray<Object> array = (SharedArray<Object>) m.attach(TypeCodeCases.valueName(code, "array"));
                for (int i = 0; i < values.size(); i++) {
                    array.set(i, values.get(i));
                }
                ((SharedArray<Object>) m.attach(TypeCodeCases.valueName(code, "slice"))).setSlice(0, values);
                m.array(TypeCodeCases.valueName(code, "init"), code, values);
            }
            List<Primitives> structs = TypeCodeCases.structs();
            SharedStructArray<Primitives> one = m.structArray("tc/structs", Primitives.class, structs.size());
            for (int i = 0; i < structs.size(); i++) {
                one.set(i, structs.get(i));
            }
            m.structArray("tc/structs-all", Primitives.class, structs.size()).setAll(structs);
            System.out.println("written " + TypeCode.values().length + " typecodes");
        });
    }
}
