package io.kybernetes.ingress.model;

import static io.kybernetes.ingress.model.Fixtures.CRT;
import static io.kybernetes.ingress.model.Fixtures.KEY;
import static io.kybernetes.ingress.model.Fixtures.NS;
import static io.kybernetes.ingress.model.Fixtures.backend;
import static io.kybernetes.ingress.model.Fixtures.concat;
import static io.kybernetes.ingress.model.Fixtures.ingress;
import static io.kybernetes.ingress.model.Fixtures.nginxClass;
import static io.kybernetes.ingress.model.Fixtures.path;
import static io.kybernetes.ingress.model.Fixtures.rule;
import static io.kybernetes.ingress.model.Fixtures.service;
import static io.kybernetes.ingress.model.Fixtures.tls;
import static io.kybernetes.ingress.model.Fixtures.tlsSecret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kybernetes.ingress.model.ProxyConfig.Location;
import io.kybernetes.ingress.model.ProxyConfig.Server;

class ConfigBuilderTest {

    /** One line per location ("host: = /p -> upstream"), then one per upstream ("upstream: servers"). */
    static List<String> summary(ProxyConfig pc) {
        List<String> out = new ArrayList<>();
        for (Server s : pc.servers()) {
            String host = s.catchAll() ? "_" : s.host();
            if (s.tls()) {
                out.add(host + ": tls " + s.certificate().replaceAll("_[0-9a-f]{12}\\.pem$", "")
                        + (s.sslRedirect() ? " redirect" : ""));
            }
            for (Location l : s.locations()) {
                out.add(host + ": " + l.match().modifier + l.path() + " -> "
                        + (l.upstream() != null ? l.upstream() : String.valueOf(l.status())));
            }
        }
        pc.upstreams().forEach(u -> out.add(u.name() + " = " + String.join(" ", u.servers())));
        return out;
    }

    static Ingress twoHostsTwoPaths() {
        return ingress("shop", 1,
                rule("a.example", path("Prefix", "/p1", "web1"), path("Prefix", "/p2", "web2")),
                rule("b.example", path("Exact", "/p1", "web2"))).build();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("nothing: the catch-all answers 404", new HasMetadata[0], List.of("_: / -> 404")),
                Arguments.of("two hosts, two paths; Prefix is an exact and a path-element location",
                        concat(service("web1", "10.244.0.5"), service("web2", "10.244.0.7", "10.244.0.6"),
                                new HasMetadata[] {twoHostsTwoPaths()}),
                        List.of("_: / -> 404",
                                "a.example: /p1/ -> shop-web1-80", "a.example: /p2/ -> shop-web2-80",
                                "a.example: = /p1 -> shop-web1-80", "a.example: = /p2 -> shop-web2-80",
                                "a.example: / -> 404",
                                "b.example: = /p1 -> shop-web2-80", "b.example: / -> 404",
                                "shop-web1-80 = 10.244.0.5:8080",
                                "shop-web2-80 = 10.244.0.6:8080 10.244.0.7:8080")),
                Arguments.of("Prefix with a trailing slash equals without; Prefix / is the root location",
                        concat(service("web1", "10.244.0.5"), new HasMetadata[] {ingress("i", 1,
                                rule("a.example", path("Prefix", "/foo/", "web1"), path("Prefix", "/", "web1")))
                                .build()}),
                        List.of("_: / -> 404", "a.example: /foo/ -> shop-web1-80",
                                "a.example: = /foo -> shop-web1-80", "a.example: / -> shop-web1-80",
                                "shop-web1-80 = 10.244.0.5:8080")),
                Arguments.of("ImplementationSpecific is nginx's plain prefix; longest first",
                        concat(service("web1", "10.244.0.5"), new HasMetadata[] {ingress("i", 1,
                                rule("a.example", path("ImplementationSpecific", "/a", "web1"),
                                        path("ImplementationSpecific", "/abc/def", "web1"),
                                        path("Exact", "/ab", "web1")))
                                .build()}),
                        List.of("_: / -> 404", "a.example: /abc/def -> shop-web1-80",
                                "a.example: = /ab -> shop-web1-80", "a.example: /a -> shop-web1-80",
                                "a.example: / -> 404", "shop-web1-80 = 10.244.0.5:8080")),
                Arguments.of("Exact beats the exact half of a Prefix on the same path, whatever the order",
                        concat(service("web1", "10.244.0.5"), service("web2", "10.244.0.6"),
                                new HasMetadata[] {ingress("i", 1, rule("a.example",
                                        path("Prefix", "/x", "web1"), path("Exact", "/x", "web2"))).build()}),
                        List.of("_: / -> 404", "a.example: /x/ -> shop-web1-80", "a.example: = /x -> shop-web2-80",
                                "a.example: / -> 404",
                                "shop-web1-80 = 10.244.0.5:8080", "shop-web2-80 = 10.244.0.6:8080")),
                Arguments.of("the older Ingress wins a host and path both claim",
                        concat(service("web1", "10.244.0.5"), service("web2", "10.244.0.6"), new HasMetadata[] {
                                ingress("newer", 9, rule("a.example", path("Exact", "/x", "web2"))).build(),
                                ingress("older", 2, rule("a.example", path("Exact", "/x", "web1"))).build()}),
                        List.of("_: / -> 404", "a.example: = /x -> shop-web1-80", "a.example: / -> 404",
                                "shop-web1-80 = 10.244.0.5:8080", "shop-web2-80 = 10.244.0.6:8080")),
                Arguments.of("spec.defaultBackend takes the catch-all and the Ingress's own hosts' other paths",
                        concat(service("web1", "10.244.0.5"), service("dflt", "10.244.0.9"),
                                new HasMetadata[] {ingress("i", 1, rule("a.example", path("Exact", "/x", "web1")))
                                        .editSpec().withDefaultBackend(backend("dflt")).endSpec().build()}),
                        List.of("_: / -> shop-dflt-80", "a.example: = /x -> shop-web1-80",
                                "a.example: / -> shop-dflt-80",
                                "shop-dflt-80 = 10.244.0.9:8080", "shop-web1-80 = 10.244.0.5:8080")),
                Arguments.of("a host-less rule goes to the catch-all server",
                        concat(service("web1", "10.244.0.5"),
                                new HasMetadata[] {ingress("i", 1, rule(null, path("Prefix", "/api", "web1"))).build()}),
                        List.of("_: /api/ -> shop-web1-80", "_: = /api -> shop-web1-80", "_: / -> 404",
                                "shop-web1-80 = 10.244.0.5:8080")),
                Arguments.of("a missing Service, a missing port, no ready endpoint: 503",
                        concat(notReady("idle"), new HasMetadata[] {
                                ingress("i", 1, rule("a.example", path("Exact", "/gone", "nosuch"),
                                        path("Exact", "/idle", "idle"))).build(),
                                new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder(
                                        ingress("j", 2, rule("a.example", path("Exact", "/port", "idle"))).build())
                                        .editSpec().editFirstRule().editHttp().editFirstPath().editBackend()
                                        .editService().editPort().withNumber(8443).endPort().endService()
                                        .endBackend().endPath().endHttp().endRule().endSpec().build()}),
                        List.of("_: / -> 404", "a.example: = /gone -> 503", "a.example: = /idle -> 503",
                                "a.example: = /port -> 503", "a.example: / -> 404")),
                Arguments.of("a Service without any EndpointSlice is reached on its ClusterIP",
                        new HasMetadata[] {new ServiceBuilder().withNewMetadata().withNamespace(NS).withName("ext")
                                .endMetadata().withNewSpec().withClusterIP("10.96.5.5").addNewPort().withPort(80)
                                .endPort().endSpec().build(),
                                ingress("i", 1, rule("a.example", path("Prefix", "/", "ext"))).build()},
                        List.of("_: / -> 404", "a.example: / -> shop-ext-80", "shop-ext-80 = 10.96.5.5:80")),
                Arguments.of("TLS hosts get the Secret's certificate and redirect HTTP with 308",
                        concat(service("web1", "10.244.0.5"), new HasMetadata[] {tlsSecret("a-tls", CRT, KEY),
                                ingress("i", 1, rule("a.example", path("Prefix", "/", "web1")),
                                        rule("b.example", path("Prefix", "/", "web1")))
                                        .editSpec().withTls(tls("a-tls", "a.example")).endSpec().build()}),
                        List.of("_: / -> 404", "a.example: tls shop_a-tls redirect", "a.example: / -> shop-web1-80",
                                "b.example: / -> shop-web1-80", "shop-web1-80 = 10.244.0.5:8080")),
                Arguments.of("ssl-redirect \"false\" serves TLS without the redirect",
                        concat(service("web1", "10.244.0.5"), new HasMetadata[] {tlsSecret("a-tls", CRT, KEY),
                                ingress("i", 1, rule("a.example", path("Prefix", "/", "web1")))
                                        .editMetadata().addToAnnotations(ConfigBuilder.SSL_REDIRECT, "false")
                                        .endMetadata().editSpec().withTls(tls("a-tls", "a.example")).endSpec()
                                        .build()}),
                        List.of("_: / -> 404", "a.example: tls shop_a-tls", "a.example: / -> shop-web1-80",
                                "shop-web1-80 = 10.244.0.5:8080")),
                Arguments.of("a missing or malformed TLS Secret leaves the host on plain HTTP",
                        concat(service("web1", "10.244.0.5"), new HasMetadata[] {tlsSecret("bad", "junk", KEY),
                                ingress("i", 1, rule("a.example", path("Prefix", "/", "web1")),
                                        rule("b.example", path("Prefix", "/", "web1")))
                                        .editSpec().withTls(tls("nosuch", "a.example"), tls("bad", "b.example"))
                                        .endSpec().build()}),
                        List.of("_: / -> 404", "a.example: / -> shop-web1-80", "b.example: / -> shop-web1-80",
                                "shop-web1-80 = 10.244.0.5:8080")),
                Arguments.of("other classes are not ours; no class is not ours unless our class is default",
                        concat(service("web1", "10.244.0.5"), new HasMetadata[] {nginxClass(false),
                                ingress("other", 1, rule("o.example", path("Prefix", "/", "web1"))).editSpec()
                                        .withIngressClassName("traefik").endSpec().build(),
                                ingress("none", 1, rule("n.example", path("Prefix", "/", "web1"))).editSpec()
                                        .withIngressClassName(null).endSpec().build(),
                                ingress("annotated", 1, rule("x.example", path("Prefix", "/", "web1"))).editSpec()
                                        .withIngressClassName(null).endSpec().editMetadata()
                                        .addToAnnotations(ClassFilter.CLASS_ANNOTATION, "nginx").endMetadata()
                                        .build()}),
                        List.of("_: / -> 404", "x.example: / -> shop-web1-80", "shop-web1-80 = 10.244.0.5:8080")),
                Arguments.of("no class is ours when our IngressClass is the default",
                        concat(service("web1", "10.244.0.5"), new HasMetadata[] {nginxClass(true),
                                ingress("none", 1, rule("n.example", path("Prefix", "/", "web1"))).editSpec()
                                        .withIngressClassName(null).endSpec().build()}),
                        List.of("_: / -> 404", "n.example: / -> shop-web1-80", "shop-web1-80 = 10.244.0.5:8080")),
                Arguments.of("paths and hosts nginx.conf cannot carry safely are dropped",
                        concat(service("web1", "10.244.0.5"), new HasMetadata[] {ingress("i", 1,
                                rule("a.example", path("Prefix", "/a;b{", "web1"), path("Exact", "/ok", "web1")),
                                rule("bad host", path("Prefix", "/", "web1"))).build()}),
                        List.of("_: / -> 404", "a.example: = /ok -> shop-web1-80", "a.example: / -> 404",
                                "shop-web1-80 = 10.244.0.5:8080")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void builds(String name, HasMetadata[] objects, List<String> want) {
        assertEquals(want, summary(Fixtures.build(objects)));
    }

    private static HasMetadata[] notReady(String name) {
        HasMetadata[] svc = service(name, "10.244.0.8");
        EndpointSlice s = (EndpointSlice) svc[1];
        EndpointSlice down = new EndpointSliceBuilder(s).withEndpoints(new EndpointBuilder()
                .withAddresses("10.244.0.8").withNewConditions().withReady(false).endConditions().build()).build();
        return new HasMetadata[] {svc[0], down};
    }

    @org.junit.jupiter.api.Test
    void problemsNameWhatIsMissing() {
        ProxyConfig pc = Fixtures.build(ingress("i", 1, rule("a.example", path("Exact", "/x", "nosuch")))
                .editSpec().withTls(tls("gone", "a.example")).endSpec().build());
        assertTrue(pc.problems().contains("shop/i Exact /x: Service shop/nosuch not found"), pc.problems().toString());
        assertTrue(pc.problems().contains("shop/i: TLS Secret shop/gone not found"), pc.problems().toString());
    }

    @org.junit.jupiter.api.Test
    void certificatesAreChainThenKeyNamedByContent() {
        ProxyConfig pc = Fixtures.build(concat(service("web1", "10.244.0.5"), new HasMetadata[] {
                tlsSecret("a-tls", CRT, KEY), ingress("i", 1, rule("a.example", path("Prefix", "/", "web1")))
                        .editSpec().withTls(tls("a-tls", "a.example")).endSpec().build()}));
        assertEquals(1, pc.certificates().size());
        Map.Entry<String, String> e = pc.certificates().entrySet().iterator().next();
        assertTrue(e.getKey().matches("shop_a-tls_[0-9a-f]{12}\\.pem"), e.getKey());
        assertEquals(CRT + KEY, e.getValue());
    }
}
