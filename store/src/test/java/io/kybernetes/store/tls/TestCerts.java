package io.kybernetes.store.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI made with the real openssl in a scratch directory: CAs, serving and client certificates whose
 * private keys are written in the PEM encodings kubeadm and cfssl produce.
 */
public final class TestCerts {

    /** PEM encodings of a private key. */
    public enum KeyFormat {
        /** "RSA PRIVATE KEY" (PKCS#1), as kubeadm writes RSA keys. */
        RSA_PKCS1,
        /** "PRIVATE KEY" (PKCS#8) holding an RSA key. */
        RSA_PKCS8,
        /** "EC PRIVATE KEY" (SEC1), as kubeadm writes ECDSA keys. */
        EC_SEC1,
        /** "PRIVATE KEY" (PKCS#8) holding an EC key. */
        EC_PKCS8
    }

    private final Path dir;

    public TestCerts(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Self-signed CA {@code name}.crt / {@code name}.key. */
    public TestCerts ca(String name) {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".crt",
                "-days", "2", "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature");
        return this;
    }

    /** {@code name}.crt / {@code name}.key signed by {@code ca}, for 127.0.0.1 and localhost, server and client use. */
    public TestCerts issue(String ca, String name, KeyFormat format) {
        key(name + ".key", format);
        openssl("req", "-new", "-key", name + ".key", "-subj", "/CN=" + name, "-out", name + ".csr");
        write(name + ".ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n"
                + "basicConstraints=CA:FALSE\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
                "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt");
        return this;
    }

    public Path path(String file) {
        return dir.resolve(file);
    }

    private void key(String file, KeyFormat format) {
        switch (format) {
            case RSA_PKCS1 -> openssl("genrsa", "-traditional", "-out", file, "2048");
            case RSA_PKCS8 -> openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", file);
            case EC_SEC1 -> openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file);
            case EC_PKCS8 -> openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file);
            default -> throw new IllegalArgumentException(format.toString());
        }
    }

    /** The PEM label of the first block of {@code file}, e.g. "EC PRIVATE KEY". */
    public String pemLabel(String file) {
        try {
            String first = Files.readAllLines(path(file)).get(0);
            return first.replace("-----BEGIN ", "").replace("-----", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String file, String text) {
        try {
            Files.writeString(path(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
