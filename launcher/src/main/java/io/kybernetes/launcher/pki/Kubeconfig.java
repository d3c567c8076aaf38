package io.kybernetes.launcher.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kubeconfig with one cluster, one user and one context, the certificates embedded as base64 PEM
 * ({@code certificate-authority-data}, {@code client-certificate-data}, {@code client-key-data}), as kubeadm writes
 * them. Written 0600 (it holds a key).
 *
 * <p>Written and read as text rather than through a YAML library: the launcher carries no YAML parser, the shape
 * is fixed, and {@link #read} only needs the four scalar fields of files this class wrote.
 */
public record Kubeconfig(String server, String clusterName, String userName, String caData, String certData,
        String keyData) {

    public static final String CLUSTER = "kubernetes";

    private static final Pattern FIELD = Pattern.compile(
            "^\\s*(server|certificate-authority-data|client-certificate-data|client-key-data):\\s*(\\S+)\\s*$",
            Pattern.MULTILINE);

    /** A kubeconfig for cluster "kubernetes" at {@code server}, trusting {@code ca}, as {@code user}. */
    public static Kubeconfig of(String server, String userName, X509Certificate ca, Issued user) {
        return new Kubeconfig(server, CLUSTER, userName, b64(Pem.encode(ca)), b64(Pem.encode(user.cert())),
                b64(Pem.encode(user.key())));
    }

    private static String b64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    private static String unb64(String data) throws GeneralSecurityException {
        try {
            return new String(Base64.getDecoder().decode(data), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("not base64: " + e.getMessage(), e);
        }
    }

    public String context() {
        return userName + "@" + clusterName;
    }

    public String yaml() {
        return "apiVersion: v1\n"
                + "clusters:\n"
                + "- cluster:\n"
                + "    certificate-authority-data: " + caData + "\n"
                + "    server: " + server + "\n"
                + "  name: " + clusterName + "\n"
                + "contexts:\n"
                + "- context:\n"
                + "    cluster: " + clusterName + "\n"
                + "    user: " + userName + "\n"
                + "  name: " + context() + "\n"
                + "current-context: " + context() + "\n"
                + "kind: Config\n"
                + "preferences: {}\n"
                + "users:\n"
                + "- name: " + userName + "\n"
                + "  user:\n"
                + "    client-certificate-data: " + certData + "\n"
                + "    client-key-data: " + keyData + "\n";
    }

    public void write(Path file) throws IOException {
        Pem.write(file, yaml(), "rw-------");
    }

    /** The server and embedded data of {@code file}; the names are not read back (null). */
    public static Kubeconfig read(Path file) throws IOException {
        Map<String, String> fields = new HashMap<>();
        Matcher m = FIELD.matcher(Files.readString(file, StandardCharsets.UTF_8));
        while (m.find()) {
            fields.putIfAbsent(m.group(1), m.group(2));
        }
        return new Kubeconfig(fields.get("server"), null, null, fields.get("certificate-authority-data"),
                fields.get("client-certificate-data"), fields.get("client-key-data"));
    }

    /** The embedded CA certificate, or null when none is embedded. */
    public X509Certificate ca() throws GeneralSecurityException {
        return caData == null ? null : Pem.certificate(unb64(caData));
    }

    /** The embedded client certificate and key, or null when the file carries none. */
    public Issued client() throws GeneralSecurityException {
        if (certData == null || keyData == null) {
            return null;
        }
        return new Issued(Pem.certificate(unb64(certData)), Pem.privateKey(unb64(keyData)));
    }
}
