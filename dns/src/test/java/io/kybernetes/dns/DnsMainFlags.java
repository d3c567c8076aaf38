package io.kybernetes.dns;

import java.util.Map;

import io.kybernetes.launcher.Launcher;

/** The configuration properties {@link DnsMain}'s flags give for some arguments (for tests in other packages). */
public final class DnsMainFlags {

    private DnsMainFlags() {
    }

    public static Map<String, String> parse(String... args) {
        return new Launcher("kybernetes-dns", "test", DnsMain.FLAGS).parse(args);
    }
}
