package io.jmanager.registry.group;

import io.jmanager.AuthKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * The credentials of a group member's Raft traffic, made from the registry's key alone, so that a group needs no
 * certificate files: mutual TLS between members, in which only holders of the key take part.
 *
 * <ul>
 *   <li>The group's <b>authority</b> is an EC P-256 key pair derived deterministically from the key (HMAC-SHA256
 *       of the key with fixed labels, {@link AuthKey#mac}, reduced to a private scalar): every member computes the
 *       same one, nobody without the key can. The key never leaves the process; the derivation is one-way.</li>
 *   <li>Each member makes a fresh key pair at every start and a certificate for it, signed by the authority, naming
 *       its host in {@code --group} (so that members check each other's host names like any TLS client).</li>
 *   <li>Every member's Raft server requires a client certificate, and every member's client requires a server
 *       certificate, signed by the authority and by nothing else ({@link GrpcTlsConfig} with mutual TLS, the only
 *       trusted certificate being the authority's).</li>
 * </ul>
 * A peer without the key has no certificate the authority signed: its TLS handshake is refused, so it can neither
 * vote, nor append, nor read an entry. Immutable.
 */
public final class RaftTls {
    private static final String CURVE = "secp256r1";
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final byte[] AUTHORITY_LABEL_1 = label("jmanager group authority key 1");
    private static final byte[] AUTHORITY_LABEL_2 = label("jmanager group authority key 2");
    /** RFC 5280 4.1.2.5: no well-defined expiration (a member's certificate lives as long as its process). */
    private static final Date NEVER = Date.from(Instant.parse("9999-12-31T23:59:59Z"));
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrivateKey memberKey;
    private final X509Certificate memberCertificate;
    private final X509Certificate authority;

    private RaftTls(PrivateKey memberKey, X509Certificate memberCertificate, X509Certificate authority) {
        this.memberKey = memberKey;
        this.memberCertificate = memberCertificate;
        this.authority = authority;
    }

    private static byte[] label(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The credentials of member {@code memberId} reached at {@code host} (as {@code --group} names it: a host name
     * or an IP address), for a group whose key is {@code key}.
     *
     * @throws IOException if the JDK's EC or PKIX support is missing (a trimmed runtime without jdk.crypto.ec)
     */
    public static RaftTls forMember(AuthKey key, String memberId, String host) throws IOException {
        try {
            KeyPair authorityKeys = authorityKeys(key);
            X500Name authorityName = new X500Name("CN=jmanager registry group (key " + key.fingerprint() + ")");
            Date since = Date.from(Instant.now().minus(1, ChronoUnit.DAYS)); // tolerates members' clock skew
            X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(authorityName, serial(), since, NEVER,
                    authorityName, authorityKeys.getPublic());
            ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate authority = sign(ca, authorityKeys.getPrivate());

            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE), RANDOM);
            KeyPair member = generator.generateKeyPair();
            X509v3CertificateBuilder leaf = new JcaX509v3CertificateBuilder(authorityName, serial(), since, NEVER,
                    new X500Name("CN=jmanager registry group member " + memberId), member.getPublic());
            leaf.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            leaf.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            leaf.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            leaf.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(
                    IPAddress.isValid(host) ? GeneralName.iPAddress : GeneralName.dNSName, host)));
            return new RaftTls(member.getPrivate(), sign(leaf, authorityKeys.getPrivate()), authority);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make the group member's TLS certificate (" + e + "): the Java runtime"
                    + " needs EC keys and ECDSA signatures (module jdk.crypto.ec)", e);
        }
    }

    /** The authority's key pair: the same for every holder of {@code key}, and for nobody else. */
    static KeyPair authorityKeys(AuthKey key) throws GeneralSecurityException {
        X9ECParameters curve = ECNamedCurveTable.getByName(CURVE);
        BigInteger n = curve.getN();
        // 512 bits reduced modulo n - 1 (bias below 2^-256), plus 1: a private scalar in [1, n - 1]
        byte[] wide = new byte[64];
        System.arraycopy(key.mac(AUTHORITY_LABEL_1), 0, wide, 0, 32);
        System.arraycopy(key.mac(AUTHORITY_LABEL_2), 0, wide, 32, 32);
        BigInteger d = new BigInteger(1, wide).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
        ECPoint q = new FixedPointCombMultiplier().multiply(curve.getG(), d).normalize();
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(CURVE));
        ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
        KeyFactory factory = KeyFactory.getInstance("EC");
        PrivateKey privateKey = factory.generatePrivate(new ECPrivateKeySpec(d, spec));
        PublicKey publicKey = factory.generatePublic(new ECPublicKeySpec(new java.security.spec.ECPoint(
                q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), spec));
        return new KeyPair(publicKey, privateKey);
    }

    private static BigInteger serial() {
        return new BigInteger(63, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder(SIGNATURE).build(issuerKey)));
    }

    /** Ratis's settings for this member's gRPC server and clients: mutual TLS trusting only the authority. */
    public Parameters ratisParameters() {
        Parameters parameters = new Parameters();
        GrpcConfigKeys.TLS.setConf(parameters, new GrpcTlsConfig(memberKey, memberCertificate, List.of(authority),
                true));
        return parameters;
    }

    /** The member's certificate (signed by the authority). */
    public X509Certificate certificate() {
        return memberCertificate;
    }

    /** The authority's certificate: the one certificate members trust. */
    public X509Certificate authority() {
        return authority;
    }

    /**
     * A JDK TLS context with these credentials, trusting only the authority: what a member's client presents, for
     * tools and tests that speak to a Raft port directly.
     */
    public SSLContext sslContext() throws GeneralSecurityException {
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("member", memberKey, password, new X509Certificate[] {memberCertificate, authority});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("authority", authority);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
            return context;
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot build the member's key store: " + e, e);
        }
    }
}
