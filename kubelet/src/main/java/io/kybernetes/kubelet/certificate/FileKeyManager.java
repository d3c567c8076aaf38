package io.kybernetes.kubelet.certificate;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

import org.jboss.logging.Logger;

import io.kybernetes.launcher.pki.Pem;

/**
 * The client certificate and key of one PEM file, read again whenever the file (through its symlink) changes: every
 * new TLS connection presents the certificate the file holds at that moment, so a rotated certificate is used without
 * rebuilding the API client (upstream's kubelet does the same with a certificate callback). A JSSE key manager
 * because neither fabric8 nor Vert.x's client reloads a client certificate by itself.
 */
public final class FileKeyManager extends X509ExtendedKeyManager {

    private static final Logger LOG = Logger.getLogger(FileKeyManager.class);
    private static final String ALIAS = "kubelet-client";

    private final Path file;
    private volatile Loaded loaded;

    private record Loaded(Path target, FileTime modified, X509Certificate[] chain, PrivateKey key) {
    }

    public FileKeyManager(Path file) throws IOException, GeneralSecurityException {
        this.file = file;
        this.loaded = load();
    }

    private Loaded load() throws IOException, GeneralSecurityException {
        Path target = file.toRealPath();
        FileTime modified = Files.getLastModifiedTime(target);
        String pem = Files.readString(target);
        List<X509Certificate> chain = CertificateStore.certificates(pem);
        return new Loaded(target, modified, chain.toArray(new X509Certificate[0]), Pem.privateKey(pem));
    }

    /** The current pair, reloaded when the file changed; the previous one when the new file cannot be read. */
    Loaded current() {
        Loaded l = loaded;
        try {
            Path target = file.toRealPath();
            if (!target.equals(l.target()) || !Files.getLastModifiedTime(target).equals(l.modified())) {
                synchronized (this) {
                    l = load();
                    loaded = l;
                }
                LOG.infof("client certificate %s loaded (%s, valid until %s)", file, target.getFileName(),
                        l.chain()[0].getNotAfter().toInstant());
            }
        } catch (IOException | GeneralSecurityException e) {
            LOG.warnf("client certificate %s unreadable, keeping the one loaded before: %s", file, e.getMessage());
        }
        return l;
    }

    public X509Certificate certificate() {
        return current().chain()[0];
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? current().chain().clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? current().key() : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
