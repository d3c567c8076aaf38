package io.kybernetes.ingress.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackendBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder;

/** Small builders for the objects the config is made of, and a {@link ClusterView} over plain lists. */
public final class Fixtures {

    public static final String NS = "shop";
    /** A syntactically plausible PEM pair; nginx never loads it in the pure unit tests. */
    public static final String CRT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    public static final String KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

    private Fixtures() {
    }

    /** A cluster: the objects, sorted out by kind. */
    public record View(List<Ingress> ingresses, List<IngressClass> ingressClasses, List<Service> services,
            List<EndpointSlice> slices, List<Secret> secrets) implements ClusterView {

        public static View of(HasMetadata... objects) {
            View v = new View(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>());
            for (HasMetadata o : objects) {
                if (o instanceof Ingress i) {
                    v.ingresses.add(i);
                } else if (o instanceof IngressClass c) {
                    v.ingressClasses.add(c);
                } else if (o instanceof Service s) {
                    v.services.add(s);
                } else if (o instanceof EndpointSlice s) {
                    v.slices.add(s);
                } else if (o instanceof Secret s) {
                    v.secrets.add(s);
                }
            }
            return v;
        }

        @Override
        public Optional<Service> service(String namespace, String name) {
            return services.stream().filter(s -> is(s, namespace, name)).findFirst();
        }

        @Override
        public List<EndpointSlice> endpointSlices(String namespace, String service) {
            return slices.stream().filter(s -> s.getMetadata().getNamespace().equals(namespace)
                    && service.equals(s.getMetadata().getLabels().get("kubernetes.io/service-name"))).toList();
        }

        @Override
        public Optional<Secret> secret(String namespace, String name) {
            return secrets.stream().filter(s -> is(s, namespace, name)).findFirst();
        }

        private static boolean is(HasMetadata o, String ns, String name) {
            return o.getMetadata().getNamespace().equals(ns) && o.getMetadata().getName().equals(name);
        }
    }

    public static ProxyConfig build(HasMetadata... objects) {
        View v = View.of(objects);
        return ConfigBuilder.build(v, ClassFilter.of(v.ingressClasses(), "nginx", "k8s.io/ingress-nginx", false));
    }

    public static IngressClass nginxClass(boolean isDefault) {
        return new IngressClassBuilder().withNewMetadata().withName("nginx")
                .withAnnotations(isDefault ? Map.of(ClassFilter.DEFAULT_CLASS_ANNOTATION, "true") : Map.of())
                .endMetadata().withNewSpec().withController("k8s.io/ingress-nginx").endSpec().build();
    }

    /** A Service with a port 80 named "http" and one ready endpoint per IP (targetPort 8080). */
    public static HasMetadata[] service(String name, String... readyIps) {
        Service svc = new ServiceBuilder().withNewMetadata().withNamespace(NS).withName(name).endMetadata()
                .withNewSpec().withClusterIP("10.96.0." + (name.length() + 100)).addNewPort().withName("http")
                .withPort(80).withProtocol("TCP").endPort().endSpec().build();
        EndpointSlice slice = new EndpointSliceBuilder().withNewMetadata().withNamespace(NS).withName(name + "-abc")
                .withLabels(Map.of("kubernetes.io/service-name", name)).endMetadata().withAddressType("IPv4")
                .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
                .withEndpoints(Arrays.stream(readyIps).map(ip -> new EndpointBuilder().withAddresses(ip)
                        .withNewConditions().withReady(true).endConditions().build()).toList())
                .build();
        return new HasMetadata[] {svc, slice};
    }

    public static HasMetadata[] concat(HasMetadata[]... groups) {
        List<HasMetadata> all = new ArrayList<>();
        for (HasMetadata[] g : groups) {
            all.addAll(Arrays.asList(g));
        }
        return all.toArray(HasMetadata[]::new);
    }

    public static Secret tlsSecret(String name, String crt, String key) {
        return new SecretBuilder().withNewMetadata().withNamespace(NS).withName(name).endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", b64(crt), "tls.key", b64(key))).build();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    public static IngressBackend backend(String service) {
        return new IngressBackendBuilder().withNewService().withName(service).withNewPort().withNumber(80).endPort()
                .endService().build();
    }

    public static HTTPIngressPath path(String type, String path, String service) {
        return new HTTPIngressPathBuilder().withPathType(type).withPath(path).withBackend(backend(service)).build();
    }

    public static IngressRule rule(String host, HTTPIngressPath... paths) {
        return new IngressRuleBuilder().withHost(host).withNewHttp().withPaths(paths).endHttp().build();
    }

    public static IngressTLS tls(String secret, String... hosts) {
        return new IngressTLSBuilder().withSecretName(secret).withHosts(hosts).build();
    }

    /** An Ingress of class nginx created at second {@code created} of the day. */
    public static IngressBuilder ingress(String name, int created, IngressRule... rules) {
        return new IngressBuilder().withNewMetadata().withNamespace(NS).withName(name)
                .withCreationTimestamp(String.format("2026-01-01T00:00:%02dZ", created)).endMetadata()
                .withNewSpec().withIngressClassName("nginx").withRules(rules).endSpec();
    }
}
