import io.jmanager.Manager;
import io.jmanager.SharedDict;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fills a registry for the recovery benchmark (bench/durable.sh): {@code N} entries of a 16-character key and a
 * 100-byte value in dict {@code recovery}, sent with putAll in batches of 1,000. Run with the worker jar:
 *
 * <pre>
 *   java -cp worker/target/worker.jar bench/RecoveryFill.java rmi://localhost:1099 1000000
 * </pre>
 */
public class RecoveryFill {
    public static void main(String[] args) {
        String url = args[0];
        int n = Integer.parseInt(args[1]);
        byte[] value = new byte[100];
        long start = System.nanoTime();
        try (Manager manager = Manager.connect(url)) {
            SharedDict<String, byte[]> dict = manager.dict("recovery");
            Map<String, byte[]> batch = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                batch.put(String.format("key-%012d", i), value);
                if (batch.size() == 1000 || i == n - 1) {
                    dict.putAll(batch);
                    batch.clear();
                }
            }
            System.out.printf("filled %,d entries in %.1f s%n", dict.size(), (System.nanoTime() - start) / 1e9);
        }
    }
}
