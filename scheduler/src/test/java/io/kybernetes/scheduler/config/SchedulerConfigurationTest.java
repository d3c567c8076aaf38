package io.kybernetes.scheduler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kybernetes.scheduler.config.SchedulerConfiguration.PluginRef;

class SchedulerConfigurationTest {

    @Test
    void defaultsAreUpstreams() {
        SchedulerConfiguration c = SchedulerConfiguration.defaults();
        assertEquals(1, c.profiles().size());
        var p = c.profiles().get(0);
        assertEquals("default-scheduler", p.schedulerName());
        assertEquals(List.of("NodeUnschedulable", "NodeName", "NodeConditions", "TaintToleration", "NodeAffinity",
                "NodePorts", "NodeResourcesFit", "VolumeRestrictions", "VolumeBinding", "VolumeZone",
                "PodTopologySpread", "InterPodAffinity"), p.filter());
        assertEquals(List.of("NodeResourcesFit", "VolumeBinding", "PodTopologySpread", "InterPodAffinity"),
                p.preFilter());
        assertEquals(List.of("DefaultPreemption"), p.postFilter());
        assertEquals(List.of("VolumeBinding"), p.preBind());
        assertEquals(List.of("PodTopologySpread", "InterPodAffinity", "ImageLocality"), p.preScore());
        assertEquals(List.of(new PluginRef("TaintToleration", 3), new PluginRef("NodeAffinity", 2),
                new PluginRef("NodeResourcesFit", 1), new PluginRef("PodTopologySpread", 2),
                new PluginRef("InterPodAffinity", 2), new PluginRef("NodeResourcesBalancedAllocation", 1),
                new PluginRef("ImageLocality", 1)), p.score());
        assertEquals(0, p.percentageOfNodesToScore());
        assertTrue(c.leaderElection().leaderElect());
        assertEquals("kube-scheduler", c.leaderElection().resourceName());
        assertEquals("kube-system", c.leaderElection().resourceNamespace());
        assertEquals(java.time.Duration.ofSeconds(12), c.leaderElection().leaseDuration());
    }

    @Test
    void pluginsArePerExtensionPointWithWeights() throws Exception {
        SchedulerConfiguration c = SchedulerConfiguration.parse("""
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                percentageOfNodesToScore: 30
                leaderElection:
                  leaderElect: false
                  leaseDuration: 1m30s
                profiles:
                - schedulerName: default-scheduler
                  plugins:
                    score:
                      disabled:
                      - name: ImageLocality
                      - name: NodeResourcesBalancedAllocation
                      enabled:
                      - name: TaintToleration
                        weight: 7
                    filter:
                      disabled:
                      - name: NodePorts
                - schedulerName: bare
                  percentageOfNodesToScore: 100
                  plugins:
                    multiPoint:
                      disabled:
                      - name: '*'
                      enabled:
                      - name: NodeResourcesFit
                      - name: NodeName
                  pluginConfig:
                  - name: PodTopologySpread
                    args:
                      defaultingType: List
                """);
        assertEquals(30, c.percentageOfNodesToScore());
        assertFalse(c.leaderElection().leaderElect());
        assertEquals(java.time.Duration.ofSeconds(90), c.leaderElection().leaseDuration());
        var d = c.profiles().get(0);
        assertEquals(30, d.percentageOfNodesToScore());
        assertFalse(d.filter().contains("NodePorts"));
        assertEquals(List.of(new PluginRef("NodeAffinity", 2), new PluginRef("NodeResourcesFit", 1),
                new PluginRef("PodTopologySpread", 2), new PluginRef("InterPodAffinity", 2),
                new PluginRef("TaintToleration", 7)), d.score());
        var bare = c.profiles().get(1);
        assertEquals("bare", bare.schedulerName());
        assertEquals(100, bare.percentageOfNodesToScore());
        assertEquals(List.of("NodeResourcesFit", "NodeName"), bare.filter());
        assertEquals(List.of(new PluginRef("NodeResourcesFit", 1)), bare.score());
        assertEquals(List.of(), bare.postFilter());
        assertEquals("List", bare.pluginArgs().get("PodTopologySpread").path("defaultingType").asText());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown plugin | {profiles: [{plugins: {filter: {enabled: [{name: Nope}]}}}]} | unknown scheduler plugin",
        "wrong point | {profiles: [{plugins: {score: {enabled: [{name: NodeName}]}}}]} | does not extend score",
        "duplicate profile | {profiles: [{schedulerName: a}, {schedulerName: a}]} | duplicate profile a",
        "bad percentage | {percentageOfNodesToScore: 120} | percentageOfNodesToScore must be in [0, 100]",
        "wrong kind | {kind: Pod} | kind must be KubeSchedulerConfiguration",
        "bad duration | {leaderElection: {leaseDuration: soon}} | invalid duration",
    })
    void rejectsBadFilesClearly(String name, String yaml, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> SchedulerConfiguration.parse(yaml));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
