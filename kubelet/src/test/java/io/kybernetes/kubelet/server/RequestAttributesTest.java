package io.kybernetes.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestAttributesTest {

    @ParameterizedTest(name = "{0} {1} -> {2} nodes/{3}")
    @CsvSource({
        "GET,    /stats/summary,                    get,    stats",
        "GET,    /stats,                            get,    stats",
        "GET,    /statsx,                           get,    proxy",
        "GET,    /metrics,                          get,    metrics",
        "GET,    /metrics/cadvisor,                 get,    metrics",
        "GET,    /metrics/resource,                 get,    metrics",
        "GET,    /logs/,                            get,    log",
        "GET,    /logs/syslog,                      get,    log",
        "GET,    /spec/,                            get,    spec",
        "GET,    /containerLogs/default/p/c,        get,    proxy",
        "POST,   /exec/default/p/c,                 create, proxy",
        "GET,    /exec/default/p/c,                 get,    proxy",
        "POST,   /attach/default/p/c,               create, proxy",
        "POST,   /portForward/default/p,            create, proxy",
        "POST,   /run/default/p/c,                  create, proxy",
        "GET,    /pods,                             get,    proxy",
        "GET,    /healthz,                          get,    proxy",
        "HEAD,   /healthz,                          get,    proxy",
        "PUT,    /x,                                update, proxy",
        "PATCH,  /x,                                patch,  proxy",
        "DELETE, /x,                                delete, proxy",
        "OPTIONS, /x,                               options, proxy",
    })
    void attributes(String method, String path, String verb, String subresource) {
        RequestAttributes a = RequestAttributes.of(method, path, "node-1");
        assertEquals(verb, a.verb());
        assertEquals(subresource, a.subresource());
        assertEquals("node-1", a.node());
    }

    @Test
    void forbiddenTextIsUpstreams() {
        assertEquals("Forbidden (user=jane, verb=create, resource=nodes, subresource=proxy)",
                RequestAttributes.of("POST", "/exec/ns/p/c", "n").forbidden("jane"));
    }
}
