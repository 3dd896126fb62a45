package io.jmanager.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Builds TLS contexts from PKCS12 key stores, for the registry ({@code --tls}) and for workers. */
public final class TlsContexts {
    private TlsContexts() {
    }

    /**
     * A TLS context.
     *
     * @param keyStore           a PKCS12 file with this side's certificate and private key; null for none (a worker
     *                           without a client certificate)
     * @param keyStorePassword   its password
     * @param trustStore         a PKCS12 file with the certificates this side trusts; null for the JVM's default
     *                           trust (the {@code javax.net.ssl.trustStore} property, else the JDK's CA certificates)
     * @param trustStorePassword its password
     * @throws IOException naming the file that cannot be read, or the password that does not open it
     */
    public static SSLContext load(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword)
            throws IOException {
        try {
            KeyManager[] keys = null;
            if (keyStore != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(read(keyStore, keyStorePassword, "key store"), keyStorePassword);
                keys = kmf.getKeyManagers();
            }
            TrustManager[] trust = null;
            if (trustStore != null) {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(read(trustStore, trustStorePassword, "trust store"));
                trust = tmf.getTrustManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static KeyStore read(Path file, char[] password, String what) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        } catch (IOException e) {
            throw new IOException("cannot read the TLS " + what + " " + file + ": " + e.getMessage()
                    + (e.getCause() instanceof java.security.UnrecoverableKeyException ? " (wrong password?)" : ""), e);
        }
        return store;
    }
}
