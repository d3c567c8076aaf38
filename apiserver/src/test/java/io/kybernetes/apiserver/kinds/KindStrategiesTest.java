package io.kybernetes.apiserver.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;

/** Defaults, validation and table cells of the kinds added for issue 6, table-driven. */
class KindStrategiesTest {

    static ObjectNode obj(String json) {
        try {
            return (ObjectNode) Json.parse(json.replace('\'', '"').getBytes());
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static final String POD_TEMPLATE = "'template':{'metadata':{'labels':{'app':'x'}},'spec':{'containers':"
            + "[{'name':'c','image':'busybox:1.36'}]RP}}";

    static String template(String restartPolicy) {
        return POD_TEMPLATE.replace("RP", restartPolicy == null ? "" : ",'restartPolicy':'" + restartPolicy + "'");
    }

    static final String JOB = "{'metadata':{'name':'pi','uid':'u-1'},'spec':{" + template("Never") + "}}";
    static final String STS = "{'metadata':{'name':'web'},'spec':{'selector':{'matchLabels':{'app':'x'}},"
            + template(null) + ",'volumeClaimTemplates':[{'metadata':{'name':'data'},'spec':{'accessModes':"
            + "['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}}}}]}}";
    static final String DS = "{'metadata':{'name':'agent'},'spec':{'selector':{'matchLabels':{'app':'x'}},"
            + template(null) + "}}";
    static final String CRONJOB = "{'metadata':{'name':'tick'},'spec':{'schedule':'*/5 * * * *','jobTemplate':"
            + "{'spec':{" + template("OnFailure") + "}}}}";
    static final String RC = "{'metadata':{'name':'rc'},'spec':{" + template(null) + "}}";
    static final String HPA = "{'metadata':{'name':'web'},'spec':{'scaleTargetRef':{'apiVersion':'apps/v1',"
            + "'kind':'Deployment','name':'web'},'maxReplicas':5}}";

    static Stream<Arguments> defaults() {
        return Stream.of(
                Arguments.of(new JobStrategy(), JOB, Map.of("/spec/completions", "1", "/spec/parallelism", "1",
                        "/spec/backoffLimit", "6", "/spec/completionMode", "NonIndexed", "/spec/suspend", "false",
                        "/spec/manualSelector", "false", "/spec/podReplacementPolicy", "TerminatingOrFailed",
                        "/spec/selector/matchLabels/batch.kubernetes.io~1controller-uid", "u-1",
                        "/spec/template/metadata/labels/job-name", "pi",
                        "/spec/template/spec/terminationGracePeriodSeconds", "30")),
                Arguments.of(new JobStrategy(), JOB.replace("'spec':{'template'", "'spec':{'parallelism':3,'template'"),
                        Map.of("/spec/parallelism", "3", "/spec/completions", "",
                                "/spec/template/metadata/labels/batch.kubernetes.io~1job-name", "pi",
                                "/spec/template/metadata/labels/controller-uid", "u-1")),
                Arguments.of(new StatefulSetStrategy(), STS, Map.of("/spec/replicas", "1",
                        "/spec/podManagementPolicy", "OrderedReady", "/spec/updateStrategy/type", "RollingUpdate",
                        "/spec/updateStrategy/rollingUpdate/partition", "0", "/spec/revisionHistoryLimit", "10",
                        "/spec/persistentVolumeClaimRetentionPolicy/whenDeleted", "Retain",
                        "/spec/persistentVolumeClaimRetentionPolicy/whenScaled", "Retain",
                        "/spec/volumeClaimTemplates/0/spec/volumeMode", "Filesystem",
                        "/spec/template/spec/dnsPolicy", "ClusterFirst")),
                Arguments.of(new DaemonSetStrategy(), DS, Map.of("/spec/updateStrategy/type", "RollingUpdate",
                        "/spec/updateStrategy/rollingUpdate/maxUnavailable", "1",
                        "/spec/updateStrategy/rollingUpdate/maxSurge", "0", "/spec/revisionHistoryLimit", "10",
                        "/spec/replicas", "", "/spec/template/spec/restartPolicy", "Always")),
                Arguments.of(new CronJobStrategy(), CRONJOB, Map.of("/spec/concurrencyPolicy", "Allow",
                        "/spec/suspend", "false", "/spec/successfulJobsHistoryLimit", "3",
                        "/spec/failedJobsHistoryLimit", "1",
                        "/spec/jobTemplate/spec/template/spec/containers/0/imagePullPolicy", "IfNotPresent",
                        "/spec/jobTemplate/spec/template/spec/containers/0/terminationMessagePath",
                        "/dev/termination-log")),
                Arguments.of(new ReplicationControllerStrategy(), RC, Map.of("/spec/replicas", "1",
                        "/spec/selector/app", "x", "/metadata/labels/app", "x")),
                Arguments.of(new HorizontalPodAutoscalerStrategy(), HPA, Map.of("/spec/minReplicas", "1",
                        "/spec/metrics/0/resource/name", "cpu",
                        "/spec/metrics/0/resource/target/averageUtilization", "80")),
                Arguments.of(new PersistentVolumeStrategy(), "{'metadata':{'name':'pv'},'spec':{'capacity':"
                        + "{'storage':'1Gi'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/tmp'}}}",
                        Map.of("/spec/persistentVolumeReclaimPolicy", "Retain", "/spec/volumeMode", "Filesystem",
                                "/status/phase", "Pending")),
                Arguments.of(new StorageClassStrategy(), "{'metadata':{'name':'sc'},'provisioner':'x.io/p'}",
                        Map.of("/reclaimPolicy", "Delete", "/volumeBindingMode", "Immediate")),
                Arguments.of(new PriorityClassStrategy(), "{'metadata':{'name':'high'},'value':1000}",
                        Map.of("/preemptionPolicy", "PreemptLowerPriority")),
                Arguments.of(new NetworkPolicyStrategy(), "{'metadata':{'name':'np'},'spec':{'podSelector':{},"
                        + "'egress':[{'ports':[{'port':53}]}]}}", Map.of("/spec/policyTypes/0", "Ingress",
                                "/spec/policyTypes/1", "Egress", "/spec/egress/0/ports/0/protocol", "TCP")),
                Arguments.of(new CsiDriverStrategy(), "{'metadata':{'name':'d'},'spec':{}}",
                        Map.of("/spec/attachRequired", "true", "/spec/podInfoOnMount", "false",
                                "/spec/volumeLifecycleModes/0", "Persistent")));
    }

    @ParameterizedTest
    @MethodSource
    void defaults(Strategy strategy, String json, Map<String, String> expected) {
        ObjectNode o = obj(json);
        strategy.prepareForCreate(o);
        expected.forEach((pointer, value) -> {
            JsonNode n = o.at(pointer);
            assertEquals(value, n.isMissingNode() ? "" : n.asText(), pointer + " in " + o);
        });
        assertEquals(List.of(), strategy.validate(o), "defaulted object must be valid: " + o);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(new JobStrategy(), JOB.replace("'Never'", "'Always'"), "spec.template.spec.restartPolicy",
                        "Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""),
                Arguments.of(new JobStrategy(), JOB.replace(",'restartPolicy':'Never'", ""),
                        "spec.template.spec.restartPolicy", "Unsupported value: \"Always\""),
                Arguments.of(new CronJobStrategy(), CRONJOB.replace("*/5 * * * *", "bad"), "spec.schedule",
                        "Invalid value: \"bad\": expected exactly 5 fields, found 1: [bad]"),
                Arguments.of(new CronJobStrategy(), CRONJOB.replace("*/5 * * * *", "61 * * * *"), "spec.schedule",
                        "end of range (61) above maximum (59): 61"),
                Arguments.of(new CronJobStrategy(), CRONJOB.replace("'OnFailure'", "'Always'"),
                        "spec.jobTemplate.spec.template.spec.restartPolicy", "Unsupported value: \"Always\""),
                Arguments.of(new StatefulSetStrategy(), STS.replace("'matchLabels':{'app':'x'}", "'matchLabels':{'app':'y'}"),
                        "spec.template.metadata.labels", "`selector` does not match template `labels`"),
                Arguments.of(new DaemonSetStrategy(), DS.replace("'selector':{'matchLabels':{'app':'x'}},", ""),
                        "spec.selector", "Required value"),
                Arguments.of(new HorizontalPodAutoscalerStrategy(), HPA.replace("'maxReplicas':5", "'maxReplicas':0"),
                        "spec.maxReplicas", "must be greater than 0"),
                Arguments.of(new PersistentVolumeClaimStrategy(), "{'metadata':{'name':'c'},'spec':{}}",
                        "spec.accessModes", "Required value"),
                Arguments.of(new IngressStrategy(), "{'metadata':{'name':'i'},'spec':{'rules':[{'http':{'paths':"
                        + "[{'path':'/','backend':{'service':{'name':'s','port':{'number':80}}}}]}}]}}",
                        "spec.rules[0].http.paths[0].pathType", "Required value"),
                Arguments.of(new PodDisruptionBudgetStrategy(), "{'metadata':{'name':'p'},'spec':{'minAvailable':1,"
                        + "'maxUnavailable':1}}", "spec", "minAvailable and maxUnavailable cannot be both set"),
                Arguments.of(new RoleBindingStrategy(), "{'kind':'RoleBinding','metadata':{'name':'b'},'roleRef':"
                        + "{'apiGroup':'rbac.authorization.k8s.io','kind':'Role'}}", "roleRef.name", "Required value"),
                Arguments.of(new PriorityClassStrategy(), "{'metadata':{'name':'huge'},'value':2000000000}", "value",
                        "maximum allowed value of a user defined priority is 1000000000"),
                Arguments.of(new PriorityClassStrategy(), "{'metadata':{'name':'system-mine'},'value':1}",
                        "metadata.name", "'system-' prefix are reserved"),
                Arguments.of(new StorageClassStrategy(), "{'metadata':{'name':'sc'}}", "provisioner", "Required value"),
                Arguments.of(new EndpointSliceStrategy(), "{'metadata':{'name':'s'},'addressType':'IPv5'}",
                        "addressType", "Unsupported value: \"IPv5\""),
                Arguments.of(new CustomResourceDefinitionStrategy(), "{'metadata':{'name':'foos.example.com'},'spec':"
                        + "{'group':'example.com','scope':'Namespaced','names':{'plural':'bars','kind':'Foo'},"
                        + "'versions':[{'name':'v1','served':true,'storage':true}]}}", "metadata.name",
                        "must be spec.names.plural+\".\"+spec.group"));
    }

    @ParameterizedTest
    @MethodSource
    void invalid(Strategy strategy, String json, String field, String message) {
        ObjectNode o = obj(json);
        strategy.prepareForCreate(o);
        List<Cause> causes = strategy.validate(o);
        assertTrue(causes.stream().anyMatch(c -> c.field().equals(field) && c.message().contains(message)),
                () -> "expected " + field + ": " + message + " in " + causes);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "*/5 * * * *|", "0 0 1 JAN-MAR MON-FRI|", "@hourly|", "@every 1h30m|", "0 12 ? * *|",
        "* * *|expected exactly 5 fields, found 3: [* * *]", "0 24 * * *|end of range (24) above maximum (23): 24",
        "*/0 * * * *|step of range should be a positive number: */0", "5-1 * * * *|beginning of range (5) beyond end of range (1): 5-1",
        "TZ=UTC 0 * * * *|cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
        "@sometimes|unrecognized descriptor: @sometimes", "x * * * *|failed to parse int from x"})
    void cronSchedules(String schedule, String error) {
        String actual = CronSchedule.error(schedule);
        if (error == null) {
            assertNull(actual, schedule);
        } else {
            assertTrue(actual != null && actual.startsWith(error), schedule + " -> " + actual);
        }
    }

    static Stream<Arguments> cells() {
        String job = "{'metadata':{'name':'pi','creationTimestamp':'2026-01-01T00:00:00Z'},'spec':{'completions':2,"
                + "'template':{'spec':{'containers':[{'name':'pi','image':'perl'}]}},'selector':{'matchLabels':"
                + "{'a':'b'}}},'status':{'succeeded':2,'startTime':'2026-01-01T00:00:00Z','completionTime':"
                + "'2026-01-01T00:00:09Z','conditions':[{'type':'Complete','status':'True'}]}}";
        return Stream.of(
                Arguments.of(new JobStrategy(), job, List.of("pi", "Complete", "2/2", "9s")),
                Arguments.of(new StatefulSetStrategy(), "{'metadata':{'name':'web'},'spec':{'replicas':3},'status':"
                        + "{'readyReplicas':2}}", List.of("web", "2/3")),
                Arguments.of(new HorizontalPodAutoscalerStrategy(), "{'metadata':{'name':'h'},'spec':{'scaleTargetRef':"
                        + "{'kind':'Deployment','name':'web'},'minReplicas':1,'maxReplicas':5,'metrics':[{'type':"
                        + "'Resource','resource':{'name':'cpu','target':{'type':'Utilization','averageUtilization':"
                        + "80}}}]}}", List.of("h", "Deployment/web", "cpu: <unknown>/80%", "1", "5", "0")),
                Arguments.of(new StorageClassStrategy(), "{'metadata':{'name':'std','annotations':"
                        + "{'storageclass.kubernetes.io/is-default-class':'true'}},'provisioner':'p'}",
                        List.of("std (default)", "p", "Delete", "Immediate", "false")),
                Arguments.of(new PodDisruptionBudgetStrategy(), "{'metadata':{'name':'p'},'spec':{'minAvailable':1},"
                        + "'status':{'disruptionsAllowed':0}}", List.of("p", "1", "N/A", "0")),
                Arguments.of(new RoleBindingStrategy(), "{'metadata':{'name':'b'},'roleRef':{'kind':'ClusterRole',"
                        + "'name':'view'},'subjects':[{'kind':'ServiceAccount','namespace':'ns','name':'sa'}]}",
                        List.of("b", "ClusterRole/view")),
                Arguments.of(new ResourceQuotaStrategy(), "{'metadata':{'name':'q'},'spec':{'hard':{'pods':'10',"
                        + "'limits.cpu':'2'}},'status':{'used':{'pods':'1'}}}", List.of("q")),
                Arguments.of(new ControllerRevisionStrategy(), "{'metadata':{'name':'web-1','ownerReferences':"
                        + "[{'apiVersion':'apps/v1','kind':'StatefulSet','name':'web','controller':true}]},"
                        + "'revision':1}", List.of("web-1", "statefulset.apps/web", "1")),
                Arguments.of(new EndpointSliceStrategy(), "{'metadata':{'name':'s'},'addressType':'IPv4','ports':"
                        + "[{'port':80}],'endpoints':[{'addresses':['10.0.0.1']},{'addresses':['10.0.0.2']},"
                        + "{'addresses':['10.0.0.3']},{'addresses':['10.0.0.4']}]}",
                        List.of("s", "IPv4", "80", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...")));
    }

    @ParameterizedTest
    @MethodSource
    void cells(Strategy strategy, String json, List<String> leading) {
        List<Object> cells = strategy.cells(obj(json));
        assertEquals(strategy.columns().size(), cells.size(), "one cell per column");
        for (int i = 0; i < leading.size(); i++) {
            assertEquals(leading.get(i), String.valueOf(cells.get(i)), "cell " + i + " of " + cells);
        }
    }

    @Test
    void resourceQuotaSplitsRequestsAndLimits() {
        List<Object> cells = new ResourceQuotaStrategy().cells(obj("{'metadata':{'name':'q'},'spec':{'hard':"
                + "{'pods':'10','requests.cpu':'1','limits.cpu':'2'}},'status':{'used':{'pods':'1'}}}"));
        assertEquals("pods: 1/10, requests.cpu: 0/1", cells.get(2));
        assertEquals("limits.cpu: 0/2", cells.get(3));
    }

    @Test
    void hpaV1ConvertsTheCpuTarget() {
        HorizontalPodAutoscalerV1Conversion c = new HorizontalPodAutoscalerV1Conversion();
        ObjectNode v1 = obj("{'apiVersion':'autoscaling/v1','kind':'HorizontalPodAutoscaler','metadata':{'name':'h'},"
                + "'spec':{'scaleTargetRef':{'kind':'Deployment','name':'web'},'maxReplicas':3,"
                + "'targetCPUUtilizationPercentage':50},'status':{'currentCPUUtilizationPercentage':20}}");
        ObjectNode v2 = c.toStorage(v1.deepCopy());
        assertEquals("autoscaling/v2", v2.path("apiVersion").asText());
        assertEquals(50, v2.at("/spec/metrics/0/resource/target/averageUtilization").asInt());
        assertEquals("Utilization", v2.at("/spec/metrics/0/resource/target/type").asText());
        assertEquals(20, v2.at("/status/currentMetrics/0/resource/current/averageUtilization").asInt());
        assertEquals(v1, c.fromStorage(v2));
    }

    @Test
    void eventsV1IsCoreEventRenamed() {
        EventsV1Conversion c = new EventsV1Conversion();
        ObjectNode e = obj("{'apiVersion':'events.k8s.io/v1','kind':'Event','metadata':{'name':'e'},'regarding':"
                + "{'kind':'Pod','name':'p'},'note':'hello','reason':'Started','type':'Normal','reportingController':"
                + "'kubelet','deprecatedCount':2}");
        ObjectNode core = c.toStorage(e.deepCopy());
        assertEquals("v1", core.path("apiVersion").asText());
        assertEquals("p", core.at("/involvedObject/name").asText());
        assertEquals("hello", core.path("message").asText());
        assertEquals("kubelet", core.path("reportingComponent").asText());
        assertEquals(2, core.path("count").asInt());
        assertEquals(e, c.fromStorage(core));
    }
}
