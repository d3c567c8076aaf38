package io.kybernetes.ingress.model;

import java.util.List;
import java.util.Map;

/**
 * The whole routing configuration, independent of nginx's syntax: virtual servers (the catch-all first), the
 * upstreams their locations proxy to, and the PEM files (certificate chain then key) TLS servers name.
 *
 * @param certificates file name -> PEM content
 * @param problems     what could not be honoured (missing Services, Secrets...), for logs and Events
 */
public record ProxyConfig(List<Server> servers, List<Upstream> upstreams, Map<String, String> certificates,
        List<String> problems) {

    /** A virtual server: {@code host} null is the catch-all (default_server). */
    public record Server(String host, List<Location> locations, String certificate, boolean sslRedirect) {

        public boolean catchAll() {
            return host == null;
        }

        public boolean tls() {
            return certificate != null;
        }
    }

    /**
     * One nginx location. {@code upstream} set: proxy there; else answer {@code status} (404 no route, 503 no
     * backend).
     */
    public record Location(Match match, String path, String upstream, int status, String source) {

        public static Location proxy(Match match, String path, String upstream, String source) {
            return new Location(match, path, upstream, 0, source);
        }

        public static Location answer(Match match, String path, int status, String source) {
            return new Location(match, path, null, status, source);
        }

        /** What nginx keys the location by: two locations with the same key cannot coexist in a server. */
        public String key() {
            return match.modifier + path;
        }
    }

    /** nginx's location kinds: {@code = /p} (exact) and {@code /p} (longest plain prefix). */
    public enum Match {
        EXACT("= "), PREFIX("");

        public final String modifier;

        Match(String modifier) {
            this.modifier = modifier;
        }
    }

    /** A named group of {@code ip:port} servers. */
    public record Upstream(String name, List<String> servers) {
    }
}
