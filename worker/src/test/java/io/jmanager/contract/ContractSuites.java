package io.jmanager.contract;

import io.jmanager.Manager;
import io.jmanager.TestRegistry;
import java.util.ArrayList;
import java.util.List;
import junit.extensions.TestSetup;
import junit.framework.AssertionFailedError;
import junit.framework.Test;
import junit.framework.TestCase;
import junit.framework.TestResult;
import junit.framework.TestSuite;
import org.junit.runner.Describable;
import org.junit.runner.Description;

/**
 * Support for the guava-testlib contract suites, which are JUnit 3 suites (no {@code @BeforeAll}):
 * <ul>
 *   <li>one in-JVM registry, started lazily by the first generator call and closed after the suite (or at JVM exit
 *       if a run is aborted);</li>
 *   <li>the objects created for one test are destroyed in its tear-down, so the registry stays small;</li>
 *   <li>every test is reported under the suite class (see {@link Labelled}). Left as they are, the vintage engine
 *       reports them under guava's tester classes, and surefire's report of the suite class says "Tests run: 0"
 *       even when tests fail.</li>
 * </ul>
 */
final class ContractSuites {
    private static TestRegistry registry;
    private static Manager manager;
    private static boolean hookInstalled;
    private static final List<String> created = new ArrayList<>();

    private ContractSuites() {
    }

    /** The manager of the suite's registry, starting the registry on first use. */
    static synchronized Manager manager() {
        if (registry == null) {
            registry = TestRegistry.start();
            manager = registry.connect();
            if (!hookInstalled) {
                hookInstalled = true;
                Runtime.getRuntime().addShutdownHook(new Thread(ContractSuites::close, "contract-registry-close"));
            }
        }
        return manager;
    }

    /** A unique object name, remembered for {@link #destroyCreated()}. */
    static synchronized String newName(String prefix) {
        String name = TestRegistry.uniqueName(prefix);
        created.add(name);
        return name;
    }

    /** Tear-down of every test: destroys the objects the test created. */
    static synchronized void destroyCreated() {
        if (manager != null) {
            for (String name : created) {
                manager.destroy(name);
            }
        }
        created.clear();
    }

    static synchronized void close() {
        created.clear();
        if (registry != null) {
            registry.close();
            registry = null;
            manager = null;
        }
    }

    /** {@code suite} with its tests reported under {@code owner}, closing the registry once it has run. */
    static Test forClass(Class<?> owner, TestSuite suite) {
        return new TestSetup(relabel(owner, suite)) {
            @Override
            protected void tearDown() {
                close();
            }
        };
    }

    private static Test relabel(Class<?> owner, Test test) {
        if (test instanceof TestSuite suite) {
            String name = suite.getName();
            // guava names the innermost suites after the tester class, which the vintage engine would load and
            // report the tests under: keep the simple name only
            TestSuite copy = new TestSuite(name == null ? null : name.substring(name.lastIndexOf('.') + 1));
            for (int i = 0; i < suite.testCount(); i++) {
                copy.addTest(relabel(owner, suite.testAt(i)));
            }
            return copy;
        }
        if (test instanceof TestCase testCase) {
            return new Labelled(owner, testCase);
        }
        return test;
    }

    /**
     * A guava test case run as itself, but reported as a test of the suite class, named
     * {@code suite[<tester>.<test>[<suite path>]]}. The vintage engine strips a bracketed suffix and finds the
     * owner's method {@code suite()}, so the test gets a method source in the owner; surefire reports it as
     * {@code suite}, hence failures carry the full name at the start of their message.
     */
    private static final class Labelled implements Test, Describable {
        private final TestCase test;
        private final String label;
        private final Description description;

        Labelled(Class<?> owner, TestCase test) {
            this.test = test;
            this.label = test.getClass().getSimpleName() + "." + test.getName();
            this.description = Description.createTestDescription(owner, "suite[" + label + "]");
        }

        @Override
        public int countTestCases() {
            return 1;
        }

        @Override
        public void run(TestResult result) {
            // not TestCase.run(result), which would report the test case itself, under its tester class
            result.startTest(this);
            try {
                test.runBare();
            } catch (AssertionError e) { // guava fails with both junit's AssertionFailedError and plain ones
                AssertionFailedError failure = new AssertionFailedError(label + ": " + e.getMessage());
                failure.initCause(e);
                result.addFailure(this, failure);
            } catch (Throwable t) {
                result.addError(this, new Exception(label + ": " + t, t));
            }
            result.endTest(this);
        }

        @Override
        public Description getDescription() {
            return description;
        }

        @Override
        public String toString() {
            return label;
        }
    }
}
