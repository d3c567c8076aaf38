package io.kybernetes.kubelet.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.sun.net.httpserver.HttpServer;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

class ProberTest {

    /** outcomes: S = success, F = failure; expect: the result after each step (1 = true), T = transitions. */
    @ParameterizedTest
    @CsvSource({
            // kind,      success, failure, outcomes, results, transitions
            "LIVENESS,    1, 3, FFF,    110,   NNF",
            "LIVENESS,    1, 1, SF,     10,    NF",
            "READINESS,   1, 3, SFS,    111,   TNN",
            "READINESS,   2, 3, SSFFF,  01110, NTNNF",
            "READINESS,   1, 2, SFFS,   1101,  TNFT",
            "STARTUP,     1, 3, FFS,    001,   NNT",
            "STARTUP,     1, 2, FF,     00,    NF",
    })
    void thresholds(ProbeManager.Kind kind, int success, int failure, String outcomes, String results,
                    String transitions) {
        Probe probe = new ProbeBuilder().withSuccessThreshold(success).withFailureThreshold(failure).build();
        ProbeManager.State s = new ProbeManager.State();
        s.result = kind == ProbeManager.Kind.LIVENESS;
        for (int i = 0; i < outcomes.length(); i++) {
            ProbeManager.Transition t = ProbeManager.record(s, outcomes.charAt(i) == 'S', probe, kind);
            assertEquals(results.charAt(i) == '1', s.result, "step " + i);
            assertEquals(transitions.charAt(i), t.name().charAt(t == ProbeManager.Transition.NONE ? 0 : 7),
                    "transition at step " + i);
        }
    }

    @Test
    void grpcHealthCheck() throws Exception {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new HealthGrpc.HealthImplBase() {
                    @Override
                    public void check(HealthCheckRequest req, StreamObserver<HealthCheckResponse> out) {
                        out.onNext(HealthCheckResponse.newBuilder().setStatus("ready".equals(req.getService())
                                ? HealthCheckResponse.ServingStatus.SERVING
                                : HealthCheckResponse.ServingStatus.NOT_SERVING).build());
                        out.onCompleted();
                    }
                }).build().start();
        try {
            int port = server.getPort();
            // the answers are what is tested: a timeout long enough for a cold gRPC client on a loaded machine
            assertEquals(new Prober.Result(true, ""), Prober.grpc(port, "ready", "127.0.0.1", 10));
            assertEquals(new Prober.Result(false, "service unhealthy (responded with \"NOT_SERVING\")"),
                    Prober.grpc(port, "other", "127.0.0.1", 10));
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void httpStatusCodes() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", ex -> {
            int code = ex.getRequestURI().getPath().equals("/ok") ? 200 : 500;
            ex.sendResponseHeaders(code, -1);
            ex.close();
        });
        http.start();
        try {
            int port = http.getAddress().getPort();
            Prober prober = new Prober(null);
            var c = new ContainerBuilder().withName("app").addNewPort().withName("web").withContainerPort(port)
                    .endPort().build();
            assertEquals(true, prober.run(new ProbeBuilder().withNewHttpGet().withPath("/ok").withNewPort("web")
                    .endHttpGet().build(), c, "127.0.0.1", "id").ok());
            assertEquals(new Prober.Result(false, "HTTP probe failed with statuscode: 500"), prober.run(
                    new ProbeBuilder().withNewHttpGet().withPath("/bad").withNewPort(port).endHttpGet().build(), c,
                    "127.0.0.1", "id"));
        } finally {
            http.stop(0);
        }
    }
}
