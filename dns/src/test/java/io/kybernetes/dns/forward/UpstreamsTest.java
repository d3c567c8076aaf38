package io.kybernetes.dns.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UpstreamsTest {

    static Stream<Arguments> lists() {
        return Stream.of(
                Arguments.of("10.0.0.1", List.of("10.0.0.1:53")),
                Arguments.of("10.0.0.1:5353, 10.0.0.2", List.of("10.0.0.1:5353", "10.0.0.2:53")),
                Arguments.of("[fd00::1]:5300,[fd00::2]", List.of("[fd00:0:0:0:0:0:0:1]:5300", "[fd00:0:0:0:0:0:0:2]:53")),
                Arguments.of("fd00::3", List.of("[fd00:0:0:0:0:0:0:3]:53")),
                Arguments.of("", List.of()));
    }

    @ParameterizedTest
    @MethodSource("lists")
    void parses(String list, List<String> want) {
        assertEquals(want, Upstreams.parse(list).stream().map(UpstreamsTest::show).toList());
    }

    static String show(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Test
    void rejectsHostNames() {
        assertThrows(IllegalArgumentException.class, () -> Upstreams.parse("dns.example.com"));
    }

    @Test
    void readsNameserversOfResolvConf(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("resolv.conf");
        Files.writeString(f, "# comment\nsearch example.com\nnameserver 192.0.2.53\nnameserver fe80::1%eth0\noptions ndots:1\n");
        assertEquals(List.of("192.0.2.53:53", "[fe80:0:0:0:0:0:0:1]:53"),
                Upstreams.fromResolvConf(f).stream().map(UpstreamsTest::show).toList());
        assertEquals(List.of(), Upstreams.fromResolvConf(dir.resolve("missing")));
    }
}
