package io.kybernetes.store.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Gives the in-process store a free gRPC port and a scratch data dir (removed afterwards). */
public class StoreTestResource implements QuarkusTestResourceLifecycleManager {

    static volatile int grpcPort;
    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("store-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        grpcPort = freePort();
        return Map.of(
                "quarkus.grpc.server.test-port", Integer.toString(grpcPort),
                "quarkus.http.test-port", "0",
                "kybernetes.data-dir", dir.resolve("data").toString());
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        deleteTree(dir);
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
