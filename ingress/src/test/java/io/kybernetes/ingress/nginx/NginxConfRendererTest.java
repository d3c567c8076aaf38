package io.kybernetes.ingress.nginx;

import static io.kybernetes.ingress.model.Fixtures.CRT;
import static io.kybernetes.ingress.model.Fixtures.KEY;
import static io.kybernetes.ingress.model.Fixtures.concat;
import static io.kybernetes.ingress.model.Fixtures.ingress;
import static io.kybernetes.ingress.model.Fixtures.path;
import static io.kybernetes.ingress.model.Fixtures.rule;
import static io.kybernetes.ingress.model.Fixtures.service;
import static io.kybernetes.ingress.model.Fixtures.tls;
import static io.kybernetes.ingress.model.Fixtures.tlsSecret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kybernetes.ingress.model.Fixtures;

class NginxConfRendererTest {

    private static final NginxConfRenderer RENDERER = new NginxConfRenderer(
            new NginxConfRenderer.Settings(Path.of("/etc/nginx/kybernetes"), 80, 443, 1));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"a.example, a.example", "'*.example.com', '~^[^.]+\\.example\\.com$'"})
    void serverNames(String host, String want) {
        assertEquals(want, NginxConfRenderer.serverName(host));
    }

    @Test
    void rendersServersLocationsUpstreamsAndTls() {
        String conf = RENDERER.render(Fixtures.build(concat(service("web1", "10.244.0.5", "10.244.0.6"),
                new HasMetadata[] {tlsSecret("a-tls", CRT, KEY), ingress("i", 1,
                        rule("a.example", path("Prefix", "/p1", "web1")), rule("b.example", path("Exact", "/x", "nosuch")))
                        .editSpec().withTls(tls("a-tls", "a.example")).endSpec().build()})));
        String[] want = {
                "upstream shop-web1-80 {\n        server 10.244.0.5:8080 max_fails=0;\n        server 10.244.0.6:8080 max_fails=0;\n    }",
                "listen 80 default_server;\n        listen 443 ssl default_server;\n        server_name _;\n        ssl_reject_handshake on;",
                "listen 80;\n        listen 443 ssl;\n        server_name a.example;\n        ssl_certificate /etc/nginx/kybernetes/certs/shop_a-tls_",
                "if ($scheme = http) {\n            return 308 https://$host$request_uri;\n        }",
                "location /p1/ {\n            # shop/i Prefix /p1\n            proxy_pass http://shop-web1-80;\n        }",
                "location = /p1 {\n            # shop/i Prefix /p1\n            proxy_pass http://shop-web1-80;\n        }",
                "listen 80;\n        server_name b.example;\n        location = /x {\n            # shop/i Exact /x\n            return 503;",
                "location / {\n            # no path matched\n            return 404;",
                "pid /etc/nginx/kybernetes/nginx.pid;",
                "proxy_temp_path /etc/nginx/kybernetes/tmp/proxy;"};
        for (String w : want) {
            assertTrue(conf.contains(w), "missing:\n" + w + "\nin:\n" + conf);
        }
    }
}
