package io.kybernetes.store.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** `etcdctl check perf --load=m` against one endpoint, its PASS/FAIL verdict and figures. */
record CheckPerf(boolean pass, double writesPerSecond, double slowestSeconds, double stddevSeconds, String output) {

    private static final Pattern THROUGHPUT = Pattern.compile("(PASS|FAIL): Throughput is (\\d+) writes/s");
    private static final Pattern SLOWEST = Pattern.compile("(PASS|FAIL): Slowest request took ([0-9.]+)s");
    private static final Pattern STDDEV = Pattern.compile("(PASS|FAIL): Stddev is ([0-9.]+)s");
    private static final Pattern VERDICT = Pattern.compile("(?m)^(PASS|FAIL)\\s*$");

    static CheckPerf run(String endpoint, String load, Path log) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of("etcdctl", "--endpoints=" + endpoint, "--dial-timeout=5s",
                "--command-timeout=30s", "check", "perf", "--load=" + load, "--prefix=/etcdctl-check-perf/"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        try {
            if (!p.waitFor(100, TimeUnit.SECONDS)) {
                throw new IOException("etcdctl check perf did not finish in 100 s");
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        return parse(java.nio.file.Files.readString(log, StandardCharsets.UTF_8));
    }

    static CheckPerf parse(String out) {
        // the progress bar redraws with \r: keep only the lines after it
        String text = out.replace('\r', '\n');
        Matcher verdict = VERDICT.matcher(text);
        boolean pass = false;
        boolean found = false;
        while (verdict.find()) {
            found = true;
            pass = verdict.group(1).equals("PASS");
        }
        return new CheckPerf(found && pass, number(THROUGHPUT, text), number(SLOWEST, text), number(STDDEV, text),
                out);
    }

    private static double number(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
    }
}
