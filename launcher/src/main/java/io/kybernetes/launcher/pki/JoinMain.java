package io.kybernetes.launcher.pki;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code kybernetes join}'s discovery, as kubeadm's token discovery: with only the API server's address and a
 * bootstrap token, read kube-public/cluster-info anonymously over TLS WITHOUT verifying the server (nothing is
 * trusted yet), check its JWS signature with the token (refused on mismatch), take the cluster CA from it, read
 * cluster-info again over TLS verified against that CA, and write the CA and a bootstrap kubeconfig (the server,
 * the CA, the token as bearer credential) for the node's kubelet. Retries until the signature for the token's id
 * appears (a token just created is signed within seconds) or {@code --discovery-timeout} passes.
 * A plain main: {@code java -cp '<app>/lib/main/*' io.kybernetes.launcher.pki.JoinMain --server URL --token T ...}.
 */
public final class JoinMain {

    static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("server", "|the API server, https://HOST:PORT (required)");
        FLAGS.put("token", "|bootstrap token <id>.<secret> (required)");
        FLAGS.put("bootstrap-kubeconfig", "|where to write the bootstrap kubeconfig (required)");
        FLAGS.put("ca-file", "|where to write the cluster CA certificate (optional)");
        FLAGS.put("discovery-timeout", "5m|how long to wait for a signed cluster-info (Go duration: 30s, 5m)");
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RETRY = Duration.ofSeconds(2);

    private JoinMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Clock.systemUTC()));
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("Usage: JoinMain --server URL --token TOKEN --bootstrap-kubeconfig FILE "
                + "[--ca-file FILE] [--discovery-timeout 5m]\n\nFlags:\n");
        FLAGS.forEach((k, v) -> {
            String[] dh = v.split("\\|", 2);
            sb.append(String.format("  --%-22s %s%s%n", k, dh[1], dh[0].isEmpty() ? "" : " (default " + dh[0] + ")"));
        });
        return sb.toString();
    }

    /** Exit code 0 done, 1 refused or failed, 2 bad usage. */
    public static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        Map<String, String> values = new LinkedHashMap<>();
        FLAGS.forEach((k, v) -> values.put(k, v.split("\\|", 2)[0]));
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.print(usage());
                return 0;
            }
            String name;
            String value;
            if (a.startsWith("--") && a.contains("=")) {
                name = a.substring(2, a.indexOf('='));
                value = a.substring(a.indexOf('=') + 1);
            } else if (a.startsWith("--") && i + 1 < args.length) {
                name = a.substring(2);
                value = args[++i];
            } else {
                err.println("join: unexpected argument " + a + "\n" + usage());
                return 2;
            }
            if (!FLAGS.containsKey(name)) {
                err.println("join: unknown flag --" + name + "\n" + usage());
                return 2;
            }
            values.put(name, value);
        }
        for (String required : new String[] {"server", "token", "bootstrap-kubeconfig"}) {
            if (values.get(required).isBlank()) {
                err.println("join: --" + required + " is required\n" + usage());
                return 2;
            }
        }
        BootstrapToken token;
        URI server;
        Duration timeout;
        try {
            token = BootstrapToken.parse(values.get("token"));
            server = URI.create(values.get("server").replaceAll("/+$", ""));
            if (!"https".equals(server.getScheme()) || server.getHost() == null) {
                throw new IllegalArgumentException("--server must be an https://HOST:PORT URL, not " + server);
            }
            timeout = goDuration(values.get("discovery-timeout"));
        } catch (IllegalArgumentException e) {
            err.println("join: " + e.getMessage());
            return 2;
        }
        try {
            ClusterInfo info = discover(server, token, timeout, clock, out);
            Path kubeconfig = Path.of(values.get("bootstrap-kubeconfig"));
            Pem.write(kubeconfig, bootstrapKubeconfig(server.toString(), info.ca(), token), "rw-------");
            out.println("[discovery] wrote the bootstrap kubeconfig " + kubeconfig);
            if (!values.get("ca-file").isBlank()) {
                Pem.writeCertificate(Path.of(values.get("ca-file")), info.ca());
                out.println("[discovery] wrote the cluster CA " + values.get("ca-file"));
            }
            return 0;
        } catch (GeneralSecurityException | IOException e) {
            err.println("join: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("join: interrupted");
            return 1;
        }
    }

    /** Token discovery: an unverified read, the JWS check, then a read verified against the discovered CA. */
    static ClusterInfo discover(URI server, BootstrapToken token, Duration timeout, Clock clock, PrintStream out)
            throws GeneralSecurityException, IOException, InterruptedException {
        URI uri = server.resolve("/api/v1/namespaces/" + ClusterInfo.NAMESPACE + "/configmaps/" + ClusterInfo.NAME);
        Instant deadline = clock.instant().plus(timeout);
        HttpClient insecure = client(insecureContext());
        out.println("[discovery] reading " + uri + " without verifying the server (token " + token + ")");
        String last = null;
        while (true) {
            try {
                JsonNode data = read(insecure, uri).path("data");
                String jws = data.path(ClusterInfo.JWS_PREFIX + token.id()).asText(null);
                if (!data.has("kubeconfig")) {
                    last = "the cluster-info ConfigMap has no kubeconfig";
                } else if (jws == null) {
                    last = "the cluster-info ConfigMap has no signature for token id " + token.id()
                            + " (an unknown or expired token; a token just created is signed within seconds)";
                } else {
                    String kubeconfig = data.get("kubeconfig").asText();
                    ClusterInfo info = ClusterInfo.verify(kubeconfig, jws, token); // a mismatch ends the join
                    out.println("[discovery] cluster-info is signed by token " + token + "; cluster CA "
                            + info.ca().getSubjectX500Principal().getName());
                    JsonNode again = read(client(trusting(info.ca())), uri).path("data");
                    if (!kubeconfig.equals(again.path("kubeconfig").asText())) {
                        throw new GeneralSecurityException("cluster-info read through TLS verified against its CA "
                                + "differs from the one read before");
                    }
                    out.println("[discovery] the API server " + server + " is verified against that CA");
                    return info;
                }
            } catch (IOException e) {
                last = e.getMessage();
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new IOException("discovery timed out after " + timeout + ": " + last);
            }
            out.println("[discovery] " + last + "; retrying");
            Thread.sleep(RETRY.toMillis());
        }
    }

    private static JsonNode read(HttpClient client, URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + uri + ": HTTP " + r.statusCode() + " " + abbreviate(r.body()));
        }
        return JSON.readTree(r.body());
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static HttpClient client(SSLContext tls) {
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Accepts any server certificate and name: only for the first read, whose content the JWS then vouches for. */
    private static SSLContext insecureContext() throws GeneralSecurityException {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return c;
    }

    private static SSLContext trusting(X509Certificate ca) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("cluster-ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    /** kubeadm's bootstrap kubeconfig: the cluster with its CA, the token as the user's bearer credential. */
    static String bootstrapKubeconfig(String server, X509Certificate ca, BootstrapToken token) {
        String caData = java.util.Base64.getEncoder().encodeToString(Pem.encode(ca)
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String user = "tls-bootstrap-token-user";
        return "apiVersion: v1\n"
                + "kind: Config\n"
                + "clusters:\n"
                + "- cluster:\n"
                + "    certificate-authority-data: " + caData + "\n"
                + "    server: " + server + "\n"
                + "  name: " + Kubeconfig.CLUSTER + "\n"
                + "contexts:\n"
                + "- context:\n"
                + "    cluster: " + Kubeconfig.CLUSTER + "\n"
                + "    user: " + user + "\n"
                + "  name: " + user + "@" + Kubeconfig.CLUSTER + "\n"
                + "current-context: " + user + "@" + Kubeconfig.CLUSTER + "\n"
                + "preferences: {}\n"
                + "users:\n"
                + "- name: " + user + "\n"
                + "  user:\n"
                + "    token: " + token.value() + "\n";
    }

    /** A Go duration of one unit: 90s, 5m, 1h. */
    static Duration goDuration(String s) {
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("--discovery-timeout: not a duration: " + s);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
