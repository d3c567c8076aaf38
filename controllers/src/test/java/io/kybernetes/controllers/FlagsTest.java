package io.kybernetes.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kybernetes.controllers.leaderelection.LeaseSettings;
import io.kybernetes.controllers.nodeipam.RangeAllocator;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The controller manager's flags travel from the command line (its Launcher) through the configuration mapping to
 * the Lease settings the elector is built with, and to the node IPAM settings.
 */
class FlagsTest {

    static ControllersConfig config(String flags) {
        Map<String, String> props = ControllersMain.launcher().parse(flags.isBlank() ? new String[0]
                : flags.trim().split("\\s+"));
        // Quarkus's converter reads "15s" durations, as in the running component
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(props, "flags", 500))
                .withConverter(Duration.class, 200, new DurationConverter()).withMapping(ControllersConfig.class).build().getConfigMapping(ControllersConfig.class);
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "'' | kube-system/kube-controller-manager (lease 12s, renew deadline 8s, retry 1s)",
        "--leader-elect-lease-duration=15s --leader-elect-renew-deadline=10s --leader-elect-retry-period=2s"
            + " | kube-system/kube-controller-manager (lease 15s, renew deadline 10s, retry 2s)",
        "--leader-elect-retry-period=500ms --leader-elect-resource-name=kcm --leader-elect-resource-namespace=x"
            + " | x/kcm (lease 12s, renew deadline 8s, retry 500ms)",
    })
    void leaseFlagsReachTheElectorSettings(String flags, String settings) {
        assertEquals(settings, ControllerManager.leaseSettings(config(flags)).toString());
    }

    @ParameterizedTest(name = "[{0}] refused: {1}")
    @CsvSource(delimiter = '|', value = {
        "--leader-elect-lease-duration=8s | leaseDuration (8s) must be greater than renewDeadline (8s)",
        "--leader-elect-resource-lock=configmaps | --leader-elect-resource-lock=configmaps is not supported",
    })
    void badLeaseFlags(String flags, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> ControllerManager.leaseSettings(config(flags)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "'' | false  0 24 ''",
        "--allocate-node-cidrs --cluster-cidr=10.244.0.0/16 | true 10.244.0.0/16 24 ''",
        "--allocate-node-cidrs=true --cluster-cidr=10.0.0.0/8 --node-cidr-mask-size=20"
            + " --service-cluster-ip-range=10.96.0.0/12 | true 10.0.0.0/8 20 10.96.0.0/12",
    })
    void nodeIpamFlags(String flags, String want) {
        RangeAllocator.Settings s = ControllerManager.ipamSettings(config(flags));
        String[] w = want.trim().split("\\s+");
        assertEquals(Boolean.parseBoolean(w[0]), s.allocateNodeCidrs());
        assertEquals(w[1].equals("0") ? "" : w[1], s.clusterCidr());
        assertEquals(Integer.parseInt(w[2]), s.nodeCidrMaskSize());
        assertEquals(w[3].equals("''") ? "" : w[3], s.serviceClusterIpRange());
        if (s.allocateNodeCidrs()) {
            assertTrue(s.cidrs().free() > 0);
        }
    }

    @ParameterizedTest
    @CsvSource({"12s, 12000", "1m30s, 90000"})
    void durations(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), LeaseSettings.parseDuration(text));
    }
}
