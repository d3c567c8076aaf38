package io.kybernetes.proxy.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kybernetes.proxy.Proxier;
import io.kybernetes.proxy.exec.HostCommand;
import io.kybernetes.proxy.iptables.ExecIptables;
import io.kybernetes.proxy.iptables.IptablesProxier;
import io.kybernetes.proxy.iptables.RestoreText;
import io.kybernetes.proxy.iptables.RuleGenerator;
import io.kybernetes.proxy.iptables.RuleSettings;
import io.kybernetes.proxy.iptables.SavedRules;
import io.kybernetes.proxy.nftables.ExecNft;
import io.kybernetes.proxy.nftables.NftNames;
import io.kybernetes.proxy.nftables.NftProxier;
import io.kybernetes.proxy.nftables.NftRuleGenerator;
import io.kybernetes.proxy.nftables.NftRuleset;
import io.kybernetes.proxy.nftables.NftScript;
import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.Protocol;
import io.kybernetes.proxy.service.ServicePort;
import io.kybernetes.proxy.service.ServicePortName;

/**
 * The sync benchmark (off by default): N Services x 5 endpoints in a scratch network namespace. Per mode, the time
 * of a full sync and of a partial sync after one endpoint change, beside the time the kernel tool alone takes for the
 * same text ({@code iptables-restore --noflush}, {@code nft -f}) measured in the same run; medians of the rounds.
 * <pre>mvn -B -pl proxy test -Dtest=SyncBenchmark -Dproxy.bench=true [-Dproxy.bench.services=10000 -Dproxy.bench.rounds=3]</pre>
 */
class SyncBenchmark {

    static final String NS = System.getProperty("proxy.bench.netns", "kybp-bench");
    static final HostCommand HOST = new HostCommand(List.of("ip", "netns", "exec", NS), 3600);
    static final RuleSettings SETTINGS = new RuleSettings("KUBE", "10.244.0.0/16", 14);
    /** {@code -Dproxy.bench.iptables-backend=legacy|nft}: the iptables binaries of both the proxier and the raw run. */
    static final ExecIptables.Backend BACKEND = ExecIptables.Backend.parse(System.getProperty("proxy.bench.iptables-backend"));

    @BeforeAll
    static void namespace() throws Exception {
        assumeTrue(Boolean.getBoolean("proxy.bench"), "benchmark: run with -Dproxy.bench=true");
        new ProcessBuilder("ip", "netns", "del", NS).start().waitFor();
        if (new ProcessBuilder("ip", "netns", "add", NS).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException("ip netns add " + NS + " failed");
        }
    }

    @AfterAll
    static void removeNamespace() throws Exception {
        if (Boolean.getBoolean("proxy.bench") && !Boolean.getBoolean("proxy.bench.keep")) {
            new ProcessBuilder("ip", "netns", "del", NS).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    static List<ServicePort> services(int n, int changed) {
        return services(n, changed, -1);
    }

    /** {@code changed}: that Service's first endpoint moves to port 9090; {@code shrunk}: that Service loses its last endpoint. */
    static List<ServicePort> services(int n, int changed, int shrunk) {
        List<ServicePort> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<Endpoint> eps = new ArrayList<>();
            for (int e = 0; e < (i == shrunk ? 4 : 5); e++) {
                int ip = i * 5 + e;
                eps.add(new Endpoint("10." + (128 + ip / 65536) + "." + ((ip / 256) % 256) + "." + (ip % 256),
                        i == changed && e == 0 ? 9090 : 8080));
            }
            out.add(new ServicePort(new ServicePortName("bench", "svc-" + i, "http", Protocol.TCP),
                    "10.96." + (i / 250) + "." + (i % 250 + 1), 80, eps));
        }
        return out;
    }

    /** {@code -Dproxy.bench.dump=DIR}: writes the full restore/nft texts for inspection instead of timing. */
    @Test
    void dump() throws Exception {
        String dir = System.getProperty("proxy.bench.dump");
        assumeTrue(dir != null, "no -Dproxy.bench.dump");
        List<ServicePort> base = services(Integer.getInteger("proxy.bench.services", 10000), -1);
        NftNames names = new NftNames("KUBE");
        for (int i = 0; i < 4; i++) {
            long t0 = System.nanoTime();
            NftRuleset rs = NftRuleGenerator.generate(SETTINGS, names, base);
            long t1 = System.nanoTime();
            String text = NftScript.full(names.table(), rs, rs.chains().keySet(), rs.sets().keySet());
            long t2 = System.nanoTime();
            var ipt = RuleGenerator.generate(SETTINGS, base);
            long t3 = System.nanoTime();
            String itext = RestoreText.full(SETTINGS.chains(), ipt, SavedRules.fromWritten(ipt, SETTINGS.chains()));
            long t4 = System.nanoTime();
            System.out.printf("proxy-bench-java: nft generate %d ms, script %d ms (%d); iptables generate %d ms, text %d ms (%d)%n",
                    (t1 - t0) / 1000000, (t2 - t1) / 1000000, text.length(), (t3 - t2) / 1000000, (t4 - t3) / 1000000, itext.length());
        }
        java.nio.file.Files.writeString(java.nio.file.Path.of(dir, "full.nft"), NftScript.full(names.table(),
                NftRuleGenerator.generate(SETTINGS, names, base), java.util.Set.of(), java.util.Set.of()));
        java.nio.file.Files.writeString(java.nio.file.Path.of(dir, "full.iptables"), RestoreText.full(SETTINGS.chains(),
                RuleGenerator.generate(SETTINGS, base), SavedRules.empty()));
    }

    /** The proxier's own work for one partial sync (generate + diff), no kernel: wall and CPU time after warm-up. */
    @Test
    void javaPartialCost() throws Exception {
        assumeTrue(System.getProperty("proxy.bench.dump") == null, "dumping only");
        int n = Integer.getInteger("proxy.bench.services", 10000);
        List<ServicePort> base = services(n, -1);
        List<ServicePort> changed = services(n, n / 2);
        NftNames names = new NftNames("KUBE");
        NftRuleGenerator g = new NftRuleGenerator(SETTINGS, names);
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        NftRuleset was = g.generate(base);
        double[] wall = new double[20];
        double[] cpu = new double[20];
        double[] gen = new double[20];
        for (int i = 0; i < 40; i++) {
            List<ServicePort> next = i % 2 == 0 ? changed : base;
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            NftRuleset now = g.generate(next);
            long cg = threads.getCurrentThreadCpuTime();
            String script = NftScript.partial(names.table(), was, now);
            long t1 = System.nanoTime();
            long c1 = threads.getCurrentThreadCpuTime();
            if (i >= 20) {
                wall[i - 20] = t1 - t0;
                cpu[i - 20] = c1 - c0;
                gen[i - 20] = cg - c0;
            }
            was = now;
            assumeTrue(!script.isEmpty());
        }
        System.out.printf(Locale.ROOT, "proxy-bench-java: nftables partial sync, proxier's own work at %d Services: wall %.1f ms, cpu %.1f ms (generate %.1f ms; median of 20 after 20 warm-up)%n",
                n, median(wall) / 1e6, median(cpu) / 1e6, median(gen) / 1e6);
    }

    @Test
    void benchmark() throws Exception {
        assumeTrue(System.getProperty("proxy.bench.dump") == null, "dumping only");
        int n = Integer.getInteger("proxy.bench.services", 10000);
        int rounds = Integer.getInteger("proxy.bench.rounds", 3);
        List<ServicePort> base = services(n, -1);
        List<ServicePort> changed = services(n, n / 2);
        List<ServicePort> shrunk = services(n, -1, n / 3);
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "%d Services x 5 endpoints, %d rounds (median), netns %s, iptables backend %s%n",
                n, rounds, NS, BACKEND.binary()));

        for (String mode : System.getProperty("proxy.bench.modes", "iptables,nftables").split(",")) {
            Proxier proxier = mode.equals("iptables") ? new IptablesProxier(new ExecIptables(HOST, BACKEND), SETTINGS)
                    : new NftProxier(new ExecNft(HOST), SETTINGS);
            long first = time(() -> proxier.sync(base, true));
            double[] full = new double[rounds];
            double[] raw = new double[rounds];
            double[] partial = new double[rounds];
            double[] rawPartial = new double[rounds];
            double[] removed = new double[rounds];
            int size = 0;
            String partialText;
            String backText;
            List<String> command;
            NftNames names = new NftNames("KUBE");
            if (mode.equals("iptables")) {
                partialText = RestoreText.partial(RuleGenerator.generate(SETTINGS, base), RuleGenerator.generate(SETTINGS, changed));
                backText = RestoreText.partial(RuleGenerator.generate(SETTINGS, changed), RuleGenerator.generate(SETTINGS, base));
                command = List.of(BACKEND.binary() + "-restore", "--noflush", "--wait", "5");
            } else {
                partialText = NftScript.partial(names.table(), NftRuleGenerator.generate(SETTINGS, names, base),
                        NftRuleGenerator.generate(SETTINGS, names, changed));
                backText = NftScript.partial(names.table(), NftRuleGenerator.generate(SETTINGS, names, changed),
                        NftRuleGenerator.generate(SETTINGS, names, base));
                command = List.of("nft", "-f", "-");
            }
            for (int r = 0; r < rounds; r++) {
                full[r] = time(() -> proxier.sync(base, true));
                String text;
                if (mode.equals("iptables")) {
                    // the text the proxier's periodic full sync writes (its state then is what it wrote last)
                    text = RestoreText.full(SETTINGS.chains(), RuleGenerator.generate(SETTINGS, base),
                            SavedRules.fromWritten(RuleGenerator.generate(SETTINGS, base), SETTINGS.chains()));
                } else {
                    NftRuleset rs = NftRuleGenerator.generate(SETTINGS, names, base);
                    text = NftScript.full(names.table(), rs, rs.chains().keySet(), rs.sets().keySet());
                }
                size = text.length();
                raw[r] = time(() -> HOST.run(command, text));
                partial[r] = time(() -> proxier.sync(changed, false));
                proxier.sync(base, false); // back, for the raw partial and the next round
                rawPartial[r] = time(() -> HOST.run(command, partialText));
                HOST.run(command, backText);
                removed[r] = time(() -> proxier.sync(shrunk, false));
                proxier.sync(base, false);
            }
            double f = median(full);
            double w = median(raw);
            double p = median(partial);
            double wp = median(rawPartial);
            String line = String.format(Locale.ROOT,
                    "%-8s first sync %.2f s | full sync %.2f s | raw %s %.2f s (%.1f MB) | full/raw %.2fx"
                            + " | partial sync %.3f s | raw %s of the partial text %.3f s (%d lines) | partial/raw %.2fx"
                            + " | partial sync, one endpoint removed %.3f s%n",
                    mode, first / 1e9, f / 1e9, command0(mode), w / 1e9, size / 1e6, f / w, p / 1e9, command0(mode),
                    wp / 1e9, partialText.split("\n").length, p / wp, median(removed) / 1e9);
            System.out.print("proxy-bench: " + line);
            System.out.flush();
            report.append(line);
            if (!Boolean.getBoolean("proxy.bench.keep")) {
                proxier.cleanup();
            }
        }
        System.out.println("\n==== proxy sync benchmark ====\n" + report);
    }

    static String command0(String mode) {
        return mode.equals("iptables") ? BACKEND.binary() + "-restore" : "nft -f";
    }

    interface Step {
        void run() throws Exception;
    }

    static long time(Step s) throws Exception {
        long t = System.nanoTime();
        s.run();
        return System.nanoTime() - t;
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
