package io.jmanager.contract;

import com.google.common.collect.testing.ConcurrentMapTestSuiteBuilder;
import com.google.common.collect.testing.TestStringMapGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.MapFeature;
import io.jmanager.SharedDict;
import java.util.LinkedHashMap;
import java.util.Map;
import junit.framework.Test;

/**
 * guava-testlib's {@code ConcurrentMap} contract, with the derived entrySet/keySet/values suites, against
 * {@link SharedDict}: a fresh dict per test. The dict refuses nulls like {@code ConcurrentHashMap}, so no null
 * feature is declared. A JUnit 3 suite, run by the vintage engine.
 */
public final class SharedDictContractTest {
    private SharedDictContractTest() {
    }

    public static Test suite() {
        return ContractSuites.forClass(SharedDictContractTest.class, ConcurrentMapTestSuiteBuilder
                .using(new TestStringMapGenerator() {
                    @Override
                    protected Map<String, String> create(Map.Entry<String, String>[] entries) {
                        SharedDict<String, String> dict =
                                ContractSuites.manager().dict(ContractSuites.newName("contract-dict"));
                        Map<String, String> initial = new LinkedHashMap<>();
                        for (Map.Entry<String, String> e : entries) {
                            initial.put(e.getKey(), e.getValue());
                        }
                        dict.putAll(initial); // one round trip; a null key or value throws NPE, as the suite expects
                        return dict;
                    }
                })
                .named("SharedDict")
                .withFeatures(
                        MapFeature.GENERAL_PURPOSE,
                        CollectionSize.ANY,
                        CollectionFeature.SUPPORTS_ITERATOR_REMOVE)
                .withTearDown(ContractSuites::destroyCreated)
                .createTestSuite());
    }
}
