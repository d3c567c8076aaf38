package io.kybernetes.proxy.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.Protocol;
import io.kybernetes.proxy.service.ServicePort;
import io.kybernetes.proxy.service.ServicePortName;

class ServiceHealthServersTest {

    static ServicePort port(String portName, boolean etpLocal, int hcnp, Endpoint... eps) {
        return new ServicePort(new ServicePortName("default", "web", portName, Protocol.TCP), "10.96.0.20", 80, 30080,
                List.of(), List.of(), 0, etpLocal, false, hcnp, List.of(eps));
    }

    @Test
    void oneTargetPerServiceCountingLocalUsableEndpoints() {
        Endpoint local = new Endpoint("10.244.0.5", 8080).asLocal();
        Endpoint remote = new Endpoint("10.244.1.5", 8080);
        Endpoint localNotReady = new Endpoint("10.244.0.6", 8080, true, false, false, false);
        var targets = ServiceHealthServers.targets(List.of(port("http", true, 32000, local, remote, localNotReady),
                port("https", true, 32000, local), port("x", false, 0, local)));
        assertEquals(Map.of(32000, new ServiceHealthServers.Target("default", "web", 1)), targets);
        assertEquals("{\"service\":{\"namespace\":\"default\",\"name\":\"web\"},\"localEndpoints\":1,\"serviceProxyHealthy\":true}",
                ServiceHealthServers.body(targets.get(32000)));
    }
}
