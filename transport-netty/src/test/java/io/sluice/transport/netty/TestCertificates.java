package io.sluice.transport.netty;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;

/**
 * A self-signed certificate made for a test run with the JDK's {@code keytool} (an EC key, valid for
 * {@code 127.0.0.1} and {@code localhost}), and the Netty contexts of a node that presents it and of a client
 * that trusts it. Call it from the test thread: it waits for {@code keytool}.
 */
public final class TestCertificates {
    private static final char[] PASSWORD = "sluice-test".toCharArray();

    final X509Certificate certificate;
    private final KeyManagerFactory keys;

    private TestCertificates(X509Certificate certificate, KeyManagerFactory keys) {
        this.certificate = certificate;
        this.keys = keys;
    }

    /** Generates a key pair and certificate into {@code dir}/{@code alias}.p12 and loads them. */
    public static TestCertificates generate(Path dir, String alias) {
        Path store = dir.resolve(alias + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> command = List.of(keytool, "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost, OU=" + alias + ", O=Sluice tests", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(PASSWORD), "-keypass",
                new String(PASSWORD), "-noprompt");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool did not finish within 60 s: " + command);
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed (exit " + p.exitValue() + "): " + output);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, PASSWORD);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            return new TestCertificates((X509Certificate) ks.getCertificate(alias), kmf);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test certificate in " + store + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for keytool", e);
        }
    }

    /** Writes the certificate as PEM ({@code -----BEGIN CERTIFICATE-----}), the form a client's trust file takes. */
    public Path writePem(Path file) {
        try {
            Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
            return Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + base64.encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the test certificate to " + file + ": " + e, e);
        }
    }

    /** A node presenting this certificate. */
    public SslContext server() {
        try {
            return SslContextBuilder.forServer(keys).build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client trusting this certificate only. */
    public SslContext client() {
        try {
            return SslContextBuilder.forClient().trustManager(certificate).build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }
}
