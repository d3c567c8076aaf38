package io.kybernetes.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ControllerManagerTest {

    @ParameterizedTest(name = "--controllers={0}: {1} enabled = {2}")
    @CsvSource(delimiter = '|', value = {
        "*|deployment|true",
        "*,-endpoints|endpoints|false",
        "*,-endpoints|deployment|true",
        "replicaset|replicaset|true",
        "replicaset|deployment|false",
        "-deployment,*|deployment|false",
    })
    void controllersFlag(String flag, String name, boolean enabled) {
        assertEquals(enabled, ControllerManager.isEnabled(name, Arrays.asList(flag.split(","))));
    }

    @Test
    void unknownControllersAreRejectedBeforeAnythingStarts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ControllerManager.start(null, List.of("*", "-bogus"), 1, List.of()));
        assertEquals("unknown controller \"bogus\"; known: [deployment, replicaset, endpoints, garbagecollector, job, cronjob, endpointslice, namespace, daemonset, statefulset, serviceaccount, nodelifecycle, replicationcontroller, horizontalpodautoscaling, disruption, nodeipam, persistentvolume-binder, pvc-protection, pv-protection, csrsigning, csrapproving, root-ca-cert-publisher, bootstrapsigner, tokencleaner]",
                e.getMessage());
    }
}
