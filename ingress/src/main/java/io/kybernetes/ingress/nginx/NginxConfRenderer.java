package io.kybernetes.ingress.nginx;

import java.nio.file.Path;

import io.kybernetes.ingress.model.ProxyConfig;
import io.kybernetes.ingress.model.ProxyConfig.Location;
import io.kybernetes.ingress.model.ProxyConfig.Server;
import io.kybernetes.ingress.model.ProxyConfig.Upstream;

/**
 * Writes a {@link ProxyConfig} as one self-contained nginx.conf. Every path nginx uses (pid, temp files,
 * certificates) lies under {@code dir}, so the file can be tested with {@code nginx -t} anywhere.
 * A hand-written text template: the config is small and its structure fixed, so a template engine would only
 * add a dependency.
 */
public final class NginxConfRenderer {

    /** Where and how nginx runs. */
    public record Settings(Path dir, int httpPort, int httpsPort, int workerProcesses) {

        public Path certDir() {
            return dir.resolve("certs");
        }
    }

    private final Settings settings;

    public NginxConfRenderer(Settings settings) {
        this.settings = settings;
    }

    public String render(ProxyConfig config) {
        StringBuilder b = new StringBuilder(4096);
        Path dir = settings.dir();
        b.append("# Written by kybernetes-ingress from the cluster's Ingresses; edits are overwritten.\n");
        b.append("worker_processes ").append(settings.workerProcesses()).append(";\n");
        b.append("pid ").append(dir.resolve("nginx.pid")).append(";\n");
        b.append("error_log stderr warn;\n");
        b.append("events {\n    worker_connections 1024;\n}\n\n");
        b.append("http {\n");
        b.append("    default_type application/octet-stream;\n");
        b.append("    sendfile on;\n");
        b.append("    server_tokens off;\n");
        b.append("    server_names_hash_bucket_size 128;\n");
        b.append("    server_names_hash_max_size 4096;\n");
        b.append("    access_log /dev/stdout;\n");
        for (String t : new String[] {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
            b.append("    ").append(t).append("_temp_path ").append(dir.resolve("tmp").resolve(t)).append(";\n");
        }
        b.append("    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        '' close;\n    }\n");
        b.append("    proxy_http_version 1.1;\n");
        b.append("    proxy_set_header Host $host;\n");
        b.append("    proxy_set_header Upgrade $http_upgrade;\n");
        b.append("    proxy_set_header Connection $connection_upgrade;\n");
        b.append("    proxy_set_header X-Real-IP $remote_addr;\n");
        b.append("    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n");
        b.append("    proxy_set_header X-Forwarded-Host $host;\n");
        b.append("    proxy_set_header X-Forwarded-Port $server_port;\n");
        b.append("    proxy_set_header X-Forwarded-Proto $scheme;\n");
        b.append("    proxy_connect_timeout 5s;\n");
        b.append("    proxy_read_timeout 60s;\n");
        b.append("    proxy_send_timeout 60s;\n");
        b.append("    proxy_next_upstream error timeout;\n");
        b.append("    ssl_protocols TLSv1.2 TLSv1.3;\n");
        b.append("    ssl_session_cache shared:SSL:1m;\n");
        for (Upstream u : config.upstreams()) {
            b.append("\n    upstream ").append(u.name()).append(" {\n");
            for (String s : u.servers()) {
                b.append("        server ").append(s).append(" max_fails=0;\n");
            }
            b.append("    }\n");
        }
        for (Server s : config.servers()) {
            server(b, s);
        }
        b.append("}\n");
        return b.toString();
    }

    private void server(StringBuilder b, Server s) {
        b.append("\n    # ").append(s.catchAll() ? "catch-all" : "host " + s.host()).append("\n");
        b.append("    server {\n");
        String dflt = s.catchAll() ? " default_server" : "";
        b.append("        listen ").append(settings.httpPort()).append(dflt).append(";\n");
        if (s.catchAll() || s.tls()) {
            b.append("        listen ").append(settings.httpsPort()).append(" ssl").append(dflt).append(";\n");
        }
        b.append("        server_name ").append(s.catchAll() ? "_" : serverName(s.host())).append(";\n");
        if (s.tls()) {
            Path pem = settings.certDir().resolve(s.certificate());
            b.append("        ssl_certificate ").append(pem).append(";\n");
            b.append("        ssl_certificate_key ").append(pem).append(";\n");
        } else if (s.catchAll()) {
            // no certificate for unknown names: refuse the handshake rather than serve someone else's
            b.append("        ssl_reject_handshake on;\n");
        }
        if (s.tls() && s.sslRedirect()) {
            b.append("        if ($scheme = http) {\n");
            b.append("            return 308 https://$host$request_uri;\n");
            b.append("        }\n");
        }
        for (Location l : s.locations()) {
            b.append("        location ").append(l.match().modifier).append(l.path()).append(" {\n");
            b.append("            # ").append(l.source()).append("\n");
            if (l.upstream() != null) {
                b.append("            proxy_pass http://").append(l.upstream()).append(";\n");
            } else {
                b.append("            return ").append(l.status()).append(";\n");
            }
            b.append("        }\n");
        }
        b.append("    }\n");
    }

    /** Upstream wildcards match exactly one DNS label; nginx's {@code *.x} would match several, so use a regex. */
    static String serverName(String host) {
        if (host.startsWith("*.")) {
            return "~^[^.]+" + host.substring(1).replace(".", "\\.") + "$";
        }
        return host;
    }
}
