package io.kybernetes.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.runtime.Quarkus;

/**
 * Turns upstream-style command-line flags ({@code --etcd-servers=URL}) into configuration properties and
 * starts the Quarkus application. Hand-written because Quarkus has no command-line config source for
 * long-running services (picocli runs only after the beans that need the values have started).
 */
public final class Launcher {

    private final String component;
    private final String summary;
    private final List<Flag> flags;

    public Launcher(String component, String summary, List<Flag> flags) {
        this.component = component;
        this.summary = summary;
        List<Flag> all = new ArrayList<>(flags);
        all.add(Flag.of("v", "info", "log level: error, warn, info, debug, trace (or 0-9 as upstream)", "quarkus.log.level"));
        this.flags = List.copyOf(all);
    }

    /** Parses {@code args}; prints help and exits on {@code --help}, exits 2 on a bad flag; else runs Quarkus. */
    public void run(String... args) {
        Map<String, String> props;
        try {
            props = parse(args);
        } catch (HelpRequested h) {
            printHelp(System.out);
            System.exit(0);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println(component + ": " + e.getMessage());
            System.err.println("Run '" + component + " --help' for the flags.");
            System.exit(2);
            return;
        }
        props.forEach(System::setProperty);
        Quarkus.run(args);
    }

    /** The configuration properties the flags set, defaults included. */
    public Map<String, String> parse(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Flag f : flags) {
            if (f.defaultValue() != null && System.getProperty(f.property()) == null) {
                values.put(f.property(), f.defaultValue());
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new HelpRequested();
            }
            if (!arg.startsWith("-")) {
                throw new IllegalArgumentException("unexpected argument \"" + arg + "\"");
            }
            String name = arg.substring(arg.startsWith("--") ? 2 : 1);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Flag flag = find(name);
            if (flag == null) {
                throw new IllegalArgumentException("unknown flag: --" + name);
            }
            if (value == null) {
                if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                    value = args[++i];
                } else {
                    value = "true";
                }
            }
            if (flag.name().equals("v")) {
                value = logLevel(value);
            }
            values.put(flag.property(), value);
        }
        return values;
    }

    public void printHelp(PrintStream out) {
        out.println(component + " - " + summary);
        out.println();
        out.println("Usage: " + component + " [flags]");
        out.println();
        out.println("Flags:");
        for (Flag f : flags) {
            String def = f.defaultValue() == null ? "" : " (default \"" + f.defaultValue() + "\")";
            out.printf("  --%-28s %s%s%n", f.name(), f.help(), def);
        }
        out.printf("  --%-28s %s%n", "help", "show this help and exit");
    }

    private Flag find(String name) {
        for (Flag f : flags) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    static String logLevel(String v) {
        switch (v) {
            case "0": case "1": return "INFO";
            case "2": case "3": return "INFO";
            case "4": case "5": return "DEBUG";
            case "6": case "7": case "8": case "9": return "TRACE";
            default:
                String up = v.toUpperCase();
                if (List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE", "FATAL", "OFF", "ALL").contains(up)) {
                    return up;
                }
                throw new IllegalArgumentException("bad log level for -v: \"" + v + "\"");
        }
    }

    private static final class HelpRequested extends RuntimeException {
        HelpRequested() {
            super(null, null, false, false);
        }
    }
}
