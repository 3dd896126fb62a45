package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One registry's URL, or every member of a registry group (docs/group.md). */
class RegistryUrlTest {
    @Test
    void oneUrlIsASingleRegistry() {
        assertEquals(List.of(new RegistryUrl("h", 1099)), RegistryUrl.parseAll("rmi://h"));
        assertEquals(List.of(new RegistryUrl("h", 7)), RegistryUrl.parseAll("rmi://h:7/"));
    }

    @Test
    void aGroupListsItsMembersWithOrWithoutTheScheme() {
        assertEquals(List.of(new RegistryUrl("a", 1099), new RegistryUrl("b", 2000), new RegistryUrl("c", 1099)),
                RegistryUrl.parseAll("rmi://a:1099, b:2000,rmi://c"));
    }

    @Test
    void aMalformedMemberIsNamed() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> RegistryUrl.parseAll("rmi://a:1099,,b:1"));
        assertTrue(empty.getMessage().contains("empty member"), empty.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> RegistryUrl.parseAll("rmi://a:1099,a:1099"));
        assertTrue(twice.getMessage().contains("names rmi://a:1099 twice"), twice.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> RegistryUrl.parseAll("rmi://a:1099,http://b:1"));
        assertTrue(bad.getMessage().contains("http://b:1"), bad.getMessage());
    }
}
