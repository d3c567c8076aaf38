package io.kybernetes.kubelet.certificate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kybernetes.launcher.pki.Issued;
import io.kybernetes.launcher.pki.Pem;

/**
 * One certificate pair of the kubelet on disk, as upstream's file store keeps it: each certificate and its key in one
 * PEM file {@code kubelet-<pair>-<date>.pem} (0600), and the symlink {@code kubelet-<pair>-current.pem} naming the
 * one in use, switched atomically (a rename over the old link), so readers of the link always see a whole pair.
 */
public final class CertificateStore {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss")
            .withZone(ZoneOffset.UTC);

    private static final Pattern CERTIFICATE = Pattern.compile(
            "-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----");

    private final Path dir;
    private final String pair;
    private final Clock clock;

    /** {@code pair}: "client" or "server". */
    public CertificateStore(Path dir, String pair, Clock clock) {
        this.dir = dir;
        this.pair = pair;
        this.clock = clock;
    }

    /** The symlink to the current pair: what kubeconfigs and the HTTPS server name. */
    public Path currentPath() {
        return dir.resolve("kubelet-" + pair + "-current.pem");
    }

    /** The current certificate and key, or empty when there is none or it is unreadable. */
    public Optional<Issued> current() {
        Path p = currentPath();
        if (!Files.exists(p)) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(p));
        } catch (IOException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** Reads a pair file: its first certificate and its private key. */
    public static Issued read(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file);
        return new Issued(certificates(pem).get(0), Pem.privateKey(pem));
    }

    /** The CERTIFICATE blocks of a PEM text that holds a key as well (the JDK's parser stops at the key). */
    public static List<X509Certificate> certificates(String pem) throws GeneralSecurityException {
        StringBuilder certs = new StringBuilder();
        Matcher m = CERTIFICATE.matcher(pem);
        while (m.find()) {
            certs.append(m.group()).append('\n');
        }
        return Pem.certificates(certs.toString());
    }

    /** Writes {@code chain} (leaf first) and {@code key} into a new dated file and points the symlink at it. */
    public Path update(List<X509Certificate> chain, PrivateKey key) throws IOException {
        Files.createDirectories(dir);
        String stamp = STAMP.format(clock.instant());
        Path file = dir.resolve("kubelet-" + pair + "-" + stamp + ".pem");
        for (int i = 1; Files.exists(file); i++) {
            file = dir.resolve("kubelet-" + pair + "-" + stamp + "-" + i + ".pem");
        }
        Pem.write(file, Pem.encode(chain.toArray(new X509Certificate[0])) + Pem.encode(key), "rw-------");
        Path link = dir.resolve("." + currentPath().getFileName() + ".new");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, file.getFileName());
        Files.move(link, currentPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
