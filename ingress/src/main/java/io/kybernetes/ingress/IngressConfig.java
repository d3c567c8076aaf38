package io.kybernetes.ingress;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Ingress controller's {@code kybernetes.*} settings; the flags of {@link IngressMain} set them. */
@ConfigMapping(prefix = "kybernetes")
public interface IngressConfig {

    @WithDefault("/etc/kybernetes/admin.conf")
    String kubeconfig();

    /** Overrides the kubeconfig's server URL (a pod cannot reach the host's loopback). */
    Optional<String> master();

    @WithDefault("nginx")
    String ingressClass();

    @WithDefault("k8s.io/ingress-nginx")
    String controllerClass();

    @WithDefault("false")
    boolean watchIngressWithoutClass();

    Optional<String> publishStatusAddress();

    @WithDefault("/usr/sbin/nginx")
    String nginxBinary();

    @WithDefault("/etc/nginx/kybernetes")
    String configDir();

    @WithDefault("80")
    int httpPort();

    @WithDefault("443")
    int httpsPort();

    @WithDefault("1")
    int workerProcesses();

    @WithDefault("200ms")
    String debounce();

    @WithDefault("10m")
    String resyncPeriod();

    /** Namespace and name of the controller's own pod (downward API), the object reload Events are about. */
    Optional<String> podNamespace();

    Optional<String> podName();

    /** Whether to start nginx and the informers at all (off in tests that drive the parts themselves). */
    @WithDefault("true")
    boolean enabled();

    /** Watch over WebSocket instead of HTTP streaming (only for fabric8's mock server in tests). */
    @WithDefault("false")
    boolean websocketWatches();

    /** "200ms", "10m", "2s" or plain milliseconds. */
    static Duration duration(String text) {
        String t = text.trim();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofMillis(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: " + text + " (e.g. 200ms, 2s, 10m)");
        }
    }
}
