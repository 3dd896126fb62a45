package io.jmanager.contract;

import com.google.common.collect.testing.ListTestSuiteBuilder;
import com.google.common.collect.testing.TestStringListGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.ListFeature;
import io.jmanager.SharedList;
import java.util.Arrays;
import java.util.List;
import junit.framework.Test;

/**
 * guava-testlib's {@code List} contract (subList and listIterator included) against {@link SharedList}: a fresh list
 * per test. Null elements are allowed. A JUnit 3 suite, run by the vintage engine.
 */
public final class SharedListContractTest {
    private SharedListContractTest() {
    }

    public static Test suite() {
        return ContractSuites.forClass(SharedListContractTest.class, ListTestSuiteBuilder
                .using(new TestStringListGenerator() {
                    @Override
                    protected List<String> create(String[] elements) {
                        SharedList<String> list =
                                ContractSuites.manager().list(ContractSuites.newName("contract-list"));
                        list.extend(Arrays.asList(elements)); // one round trip
                        return list;
                    }
                })
                .named("SharedList")
                .withFeatures(
                        ListFeature.GENERAL_PURPOSE,
                        CollectionSize.ANY,
                        CollectionFeature.ALLOWS_NULL_VALUES,
                        CollectionFeature.SUPPORTS_ITERATOR_REMOVE)
                .withTearDown(ContractSuites::destroyCreated)
                .createTestSuite());
    }
}
