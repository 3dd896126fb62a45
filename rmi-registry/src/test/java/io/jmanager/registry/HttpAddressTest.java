package io.jmanager.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HttpAddressTest {
    @Test
    void aPortAloneIsLoopback() {
        InetSocketAddress a = HttpAddress.parse("9090");
        assertEquals(9090, a.getPort());
        assertTrue(a.getAddress().isLoopbackAddress(), a.toString());
    }

    @Test
    void anAddressIsUsedAsGiven() throws Exception {
        assertTrue(HttpAddress.parse("0.0.0.0:9090").getAddress().isAnyLocalAddress());
        assertEquals(InetAddress.getByName("127.0.0.1"), HttpAddress.parse("127.0.0.1:0").getAddress());
        assertEquals(InetAddress.getByName("::1"), HttpAddress.parse("[::1]:9091").getAddress());
        assertEquals(9091, HttpAddress.parse("[::1]:9091").getPort());
    }

    @Test
    void badValuesSayWhatIsWrongAndWhatToGive() {
        for (String bad : new String[] {"http", ":9090", "1.2.3.4:x", "70000", "-1", "no-such-host.invalid:80"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpAddress.parse(bad));
            assertTrue(e.getMessage().startsWith("--http " + bad + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("Give [ADDRESS:]PORT"), e.getMessage());
        }
    }
}
