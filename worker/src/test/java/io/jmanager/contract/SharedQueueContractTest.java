package io.jmanager.contract;

import com.google.common.collect.testing.QueueTestSuiteBuilder;
import com.google.common.collect.testing.TestStringQueueGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import io.jmanager.SharedQueue;
import java.util.Arrays;
import java.util.Queue;
import junit.framework.Test;

/**
 * guava-testlib's {@code Queue} contract against an unbounded {@link SharedQueue}: a fresh queue per test, FIFO
 * (known order), nulls refused. A JUnit 3 suite, run by the vintage engine.
 */
public final class SharedQueueContractTest {
    private SharedQueueContractTest() {
    }

    public static Test suite() {
        return ContractSuites.forClass(SharedQueueContractTest.class, QueueTestSuiteBuilder
                .using(new TestStringQueueGenerator() {
                    @Override
                    protected Queue<String> create(String[] elements) {
                        SharedQueue<String> queue =
                                ContractSuites.manager().queue(ContractSuites.newName("contract-queue"));
                        queue.addAll(Arrays.asList(elements)); // one round trip; a null element throws NPE
                        return queue;
                    }
                })
                .named("SharedQueue")
                .withFeatures(
                        CollectionFeature.GENERAL_PURPOSE,
                        CollectionFeature.KNOWN_ORDER,
                        CollectionSize.ANY)
                .withTearDown(ContractSuites::destroyCreated)
                .createTestSuite());
    }
}
