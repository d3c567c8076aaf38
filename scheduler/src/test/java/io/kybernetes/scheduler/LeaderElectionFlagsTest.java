package io.kybernetes.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kybernetes.scheduler.config.SchedulerConfiguration;
import io.kybernetes.scheduler.election.Election;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The --leader-elect* flags travel from the command line (the component's own Launcher) through the configuration
 * mapping and the --config file merge to the fabric8 elector's configuration.
 */
class LeaderElectionFlagsTest {

    @TempDir
    Path dir;

    /** The elector configuration for these command-line flags (and this --config file content, if any). */
    LeaderElectionConfig elector(String flags, String file) throws Exception {
        List<String> args = new ArrayList<>(flags.isBlank() ? List.of() : List.of(flags.trim().split("\\s+")));
        if (file != null && !file.isBlank()) {
            Path f = dir.resolve("scheduler.yaml");
            Files.writeString(f, "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"
                    + "leaderElection: {" + file + "}\n");
            args.add("--config=" + f);
        }
        Map<String, String> props = SchedulerMain.launcher().parse(args.toArray(String[]::new));
        SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(props, "flags", 500))
                .withMapping(SchedulerConfig.class).build();
        SchedulerConfiguration cfg = SchedulerService.configuration(config.getConfigMapping(SchedulerConfig.class));
        if (!cfg.leaderElection().leaderElect()) {
            return null;
        }
        return new Election(null, cfg.leaderElection(), leading -> { }).config();
    }

    @ParameterizedTest(name = "[{0}] file [{1}] -> {2} {3} {4} {5}/{6}")
    @CsvSource(delimiter = '|', value = {
        "''                                 | ''  | 12s | 8s | 1s | kube-system | kube-scheduler",
        "--leader-elect-lease-duration=15s --leader-elect-renew-deadline=10s --leader-elect-retry-period=2s"
            + " | '' | 15s | 10s | 2s | kube-system | kube-scheduler",
        "--leader-elect-retry-period=500ms --leader-elect-renew-deadline=1m30s --leader-elect-lease-duration=2m"
            + " | '' | 120s | 90s | 500ms | kube-system | kube-scheduler",
        "--leader-elect-resource-name=batch-scheduler --leader-elect-resource-namespace=sched"
            + " --leader-elect-resource-lock=leases | '' | 12s | 8s | 1s | sched | batch-scheduler",
        "--leader-elect=true                 | 'leaderElect: false' | 12s | 8s | 1s | kube-system | kube-scheduler",
        "--leader-elect-renew-deadline=5s    | 'leaseDuration: 20s, renewDeadline: 9s, resourceName: s2'"
            + " | 20s | 5s | 1s | kube-system | s2",
        "''                                 | 'leaseDuration: 20s, retryPeriod: 2s' | 20s | 8s | 2s | kube-system"
            + " | kube-scheduler",
    })
    void flagsReachTheElector(String flags, String file, String lease, String renew, String retry, String ns,
            String name) throws Exception {
        LeaderElectionConfig c = elector(flags, file);
        assertEquals(duration(lease), c.getLeaseDuration());
        assertEquals(duration(renew), c.getRenewDeadline());
        assertEquals(duration(retry), c.getRetryPeriod());
        assertEquals(name, c.getName());
        String lock = c.getLock().describe();
        assertTrue(lock.contains(ns) && lock.contains(name), lock);
    }

    @ParameterizedTest(name = "[{0}] file [{1}]: no election")
    @CsvSource(delimiter = '|', value = {"--leader-elect=false | ''", "'' | 'leaderElect: false'",
        "--leader-elect=false | 'leaderElect: true'"})
    void electionOff(String flags, String file) throws Exception {
        assertEquals(null, elector(flags, file));
    }

    @ParameterizedTest(name = "[{0}] refused: {1}")
    @CsvSource(delimiter = '|', value = {
        "--leader-elect-lease-duration=5s | leaseDuration (5s) must be greater than renewDeadline (8s)",
        "--leader-elect-retry-period=7s | renewDeadline (8s) must be greater than retryPeriod*JitterFactor (7s*1.2)",
        "--leader-elect-retry-period=0s | leader election durations must be greater than zero",
        "--leader-elect-lease-duration=soon | --leader-elect-lease-duration: invalid duration \"soon\"",
        "--leader-elect-resource-lock=endpoints | --leader-elect-resource-lock=endpoints is not supported",
        "--leader-elect=maybe | --leader-elect: invalid value \"maybe\"",
    })
    void badFlags(String flags, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> elector(flags, ""));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    static Duration duration(String s) {
        return s.endsWith("ms") ? Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)))
                : Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
    }
}
