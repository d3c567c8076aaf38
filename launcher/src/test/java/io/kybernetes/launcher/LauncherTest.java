package io.kybernetes.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LauncherTest {

    private final Launcher launcher = new Launcher("demo", "a demo", List.of(
            new Flag("etcd-servers", "http://127.0.0.1:2379", "etcd URLs"),
            Flag.of("port", "6443", "port", "quarkus.http.port")));

    @Test
    void defaultsApplyWhenNoFlagGiven() {
        Map<String, String> p = launcher.parse();
        assertEquals("http://127.0.0.1:2379", p.get("kybernetes.etcd-servers"));
        assertEquals("6443", p.get("quarkus.http.port"));
    }

    @ParameterizedTest
    @CsvSource({"--port=7000,7000", "--port 7001,7001"})
    void flagsSetTheirProperty(String args, String expected) {
        assertEquals(expected, launcher.parse(args.split(" ")).get("quarkus.http.port"));
    }

    @ParameterizedTest
    @CsvSource({"-v=4,DEBUG", "--v=warn,WARN", "-v=9,TRACE"})
    void verbositySetsTheLogLevel(String arg, String level) {
        assertEquals(level, launcher.parse(arg).get("quarkus.log.level"));
    }

    @Test
    void unknownFlagIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> launcher.parse("--nope=1"));
        assertEquals("unknown flag: --nope", e.getMessage());
    }

    @Test
    void helpListsEveryFlag() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        launcher.printHelp(new PrintStream(out));
        String help = out.toString();
        assertTrue(help.contains("--etcd-servers"), help);
        assertTrue(help.contains("--port"), help);
        assertTrue(help.contains("--help"), help);
    }
}
