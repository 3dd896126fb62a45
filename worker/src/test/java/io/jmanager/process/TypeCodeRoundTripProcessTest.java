package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jmanager.Manager;
import io.jmanager.SharedArray;
import io.jmanager.SharedStructArray;
import io.jmanager.SharedValue;
import io.jmanager.Timing;
import io.jmanager.TypeCode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A child JVM writes the extremes of every typecode and struct field; this JVM reads them back exactly. */
@Timeout(120)
class TypeCodeRoundTripProcessTest {
    @Test
    @SuppressWarnings("unchecked")
    void everyTypeCodeAndStructFieldRoundTripsExactlyThroughAnotherProcess() {
        try (RegistryProcess registry = RegistryProcess.start()) {
            Manager m = registry.connect();
            for (TypeCode code : TypeCode.values()) {
                Object zero = TypeCodeCases.zero(code);
                int length = TypeCodeCases.extremes(code).size();
                m.value(TypeCodeCases.valueName(code, "min"), code, zero);
                m.value(TypeCodeCases.valueName(code, "max"), code, zero);
                m.array(TypeCodeCases.valueName(code, "array"), code, length);
                m.array(TypeCodeCases.valueName(code, "slice"), code, length);
            }
            int structs = TypeCodeCases.structs().size();
            m.structArray("tc/structs", Primitives.class, structs);
            m.structArray("tc/structs-all", Primitives.class, structs);

            WorkerProcess.start(TypeCodeWorker.class, registry.url()).awaitSuccess(Timing.seconds(60));

            for (TypeCode code : TypeCode.values()) {
                List<Object> expected = TypeCodeCases.extremes(code);
                String c = "typecode '" + code.code() + "'";
                SharedValue<Object> min = m.value(TypeCodeCases.valueName(code, "min"), code,
                        TypeCodeCases.zero(code));
                SharedValue<Object> max = (SharedValue<Object>) m.attach(TypeCodeCases.valueName(code, "max"));
                assertExactly(expected.get(0), min.get(), c + " minimum");
                assertExactly(expected.get(1), max.get(), c + " maximum");
                for (String which : List.of("array", "slice", "init")) {
                    SharedArray<Object> array = (SharedArray<Object>) m.attach(TypeCodeCases.valueName(code, which));
                    assertSame(code, array.typeCode(), c + " " + which + " attached with its typecode");
                    assertEquals(expected, array.toList(), c + " " + which + ".toList()");
                    for (int i = 0; i < expected.size(); i++) {
                        assertExactly(expected.get(i), array.get(i), c + " " + which + "[" + i + "]");
                    }
                    assertEquals(expected.subList(1, 3), array.slice(1, 3), c + " " + which + ".slice(1, 3)");
                }
            }
            List<Primitives> expectedStructs = TypeCodeCases.structs();
            for (String name : List.of("tc/structs", "tc/structs-all")) {
                SharedStructArray<Primitives> array = m.structArray(name, Primitives.class, structs);
                assertEquals(expectedStructs, array.toList(), name);
                for (int i = 0; i < structs; i++) {
                    assertEquals(expectedStructs.get(i), array.get(i), name + "[" + i + "]");
                }
                assertExactly(Integer.valueOf(Byte.MIN_VALUE), array.getField(0, "b"), name + "[0].b");
                assertExactly(Long.MAX_VALUE, array.getField(1, "l"), name + "[1].l");
                assertExactly('\uffff', array.getField(1, "c"), name + "[1].c");
                assertExactly(Float.NaN, array.getField(2, "f"), name + "[2].f");
                assertExactly(-0.0, array.getField(2, "d"), name + "[2].d");
            }
        }
    }

    /** Equal values of the same class: floats and doubles compare by bits (NaN == NaN, -0.0 != 0.0). */
    private static void assertExactly(Object expected, Object actual, String what) {
        assertEquals(expected.getClass(), actual == null ? null : actual.getClass(), what + ": class");
        assertEquals(expected, actual, what);
    }
}
