package io.kybernetes.apiserver.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.Cause;

class StrategyDefaultsTest {

    static ObjectNode obj(String json) throws IOException {
        return (ObjectNode) Json.parse(json.replace('\'', '"').getBytes());
    }

    static final String DEPLOYMENT = "{'metadata':{'name':'web'},'spec':{'selector':{'matchLabels':{'app':'web'}},"
            + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'nginx','image':'nginx',"
            + "'ports':[{'containerPort':80}]}]}}}}";

    @Test
    void deploymentDefaults() throws IOException {
        ObjectNode d = obj(DEPLOYMENT);
        new DeploymentStrategy().prepareForCreate(d);
        assertEquals(1, d.at("/spec/replicas").asInt());
        assertEquals("RollingUpdate", d.at("/spec/strategy/type").asText());
        assertEquals("25%", d.at("/spec/strategy/rollingUpdate/maxSurge").asText());
        assertEquals("25%", d.at("/spec/strategy/rollingUpdate/maxUnavailable").asText());
        assertEquals(10, d.at("/spec/revisionHistoryLimit").asInt());
        assertEquals(600, d.at("/spec/progressDeadlineSeconds").asInt());
        ObjectNode pod = (ObjectNode) d.at("/spec/template/spec");
        assertEquals("Always", pod.path("restartPolicy").asText());
        assertEquals(30, pod.path("terminationGracePeriodSeconds").asInt());
        assertEquals("ClusterFirst", pod.path("dnsPolicy").asText());
        assertEquals("default-scheduler", pod.path("schedulerName").asText());
        assertTrue(pod.path("securityContext").isObject());
        assertEquals("/dev/termination-log", pod.at("/containers/0/terminationMessagePath").asText());
        assertEquals("File", pod.at("/containers/0/terminationMessagePolicy").asText());
        assertEquals("Always", pod.at("/containers/0/imagePullPolicy").asText());
        assertEquals("TCP", pod.at("/containers/0/ports/0/protocol").asText());
        assertEquals(List.of(), new DeploymentStrategy().validate(d));
    }

    @Test
    void probesAndHooksGetUpstreamDefaults() throws IOException {
        ObjectNode c = obj("{'name':'c','image':'busybox','livenessProbe':{'grpc':{'port':9000}},"
                + "'readinessProbe':{'httpGet':{'port':80},'periodSeconds':3},'startupProbe':{'exec':{'command':['true']}},"
                + "'lifecycle':{'preStop':{'httpGet':{'port':80,'path':'/quit'}}}}");
        PodSpecs.containerDefaults(c);
        assertEquals("", c.at("/livenessProbe/grpc/service").asText("missing"));
        assertEquals(1, c.at("/livenessProbe/timeoutSeconds").asInt());
        assertEquals(10, c.at("/livenessProbe/periodSeconds").asInt());
        assertEquals(1, c.at("/livenessProbe/successThreshold").asInt());
        assertEquals(3, c.at("/livenessProbe/failureThreshold").asInt());
        assertEquals(3, c.at("/readinessProbe/periodSeconds").asInt());
        assertEquals("/", c.at("/readinessProbe/httpGet/path").asText());
        assertEquals("HTTP", c.at("/readinessProbe/httpGet/scheme").asText());
        assertEquals(3, c.at("/startupProbe/failureThreshold").asInt());
        assertEquals("/quit", c.at("/lifecycle/preStop/httpGet/path").asText());
        assertEquals("HTTP", c.at("/lifecycle/preStop/httpGet/scheme").asText());
    }

    @Test
    void deploymentSelectorMustMatchTemplate() throws IOException {
        ObjectNode d = obj(DEPLOYMENT.replace("'labels':{'app':'web'}", "'labels':{'app':'other'}"));
        new DeploymentStrategy().prepareForCreate(d);
        List<Cause> causes = new DeploymentStrategy().validate(d);
        assertEquals(1, causes.size());
        assertEquals("spec.template.metadata.labels", causes.get(0).field());
        assertTrue(causes.get(0).message().contains("`selector` does not match template `labels`"));
    }

    @ParameterizedTest
    @CsvSource({"nginx,Always", "nginx:latest,Always", "nginx:1.25,IfNotPresent", "127.0.0.1:5000/nginx,Always",
            "127.0.0.1:5000/nginx:1,IfNotPresent", "nginx@sha256:abc,IfNotPresent"})
    void imagePullPolicy(String image, String policy) {
        assertEquals(policy, PodSpecs.pullPolicy(image));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{} | BestEffort",
        "{'requests':{'cpu':'100m'}} | Burstable",
        "{'limits':{'cpu':'1','memory':'1Gi'}} | Guaranteed",
        "{'limits':{'cpu':'1','memory':'1Gi'},'requests':{'cpu':'1','memory':'1Gi'}} | Guaranteed",
        "{'limits':{'cpu':'1','memory':'1Gi'},'requests':{'cpu':'500m'}} | Burstable",
    })
    void qosClass(String resources, String qos) throws IOException {
        ObjectNode spec = obj("{'containers':[{'name':'a','image':'x','resources':" + resources + "}]}");
        assertEquals(qos, PodSpecs.qosClass(spec));
    }

    @Test
    void podCreateSetsPendingAndValidates() throws IOException {
        ObjectNode pod = obj("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'busybox'}]},'status':{'phase':'Running'}}");
        PodStrategy s = new PodStrategy();
        s.prepareForCreate(pod);
        assertEquals("Pending", pod.at("/status/phase").asText());
        assertEquals("BestEffort", pod.at("/status/qosClass").asText());
        assertEquals(List.of(), s.validate(pod));
        ObjectNode bad = obj("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'C_1'}]}}");
        List<String> fields = s.validate(bad).stream().map(Cause::field).toList();
        assertEquals(List.of("spec.containers[0].name", "spec.containers[0].image"), fields);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'' | Pending | | 0",
        "n1 | Running | | 30",
        "n1 | Running | 5 | 5",
        "n1 | Running | 0 | 0",
        "n1 | Succeeded | | 0",
    })
    void podGracePeriod(String node, String phase, Long requested, long expected) throws IOException {
        ObjectNode pod = obj("{'spec':{'nodeName':'" + node + "','terminationGracePeriodSeconds':30},'status':{'phase':'" + phase + "'}}");
        assertEquals(expected, new PodStrategy().gracePeriod(pod, requested));
    }

    @Test
    void podCells() throws IOException {
        ObjectNode pod = obj("{'metadata':{'name':'web-1','creationTimestamp':'2020-01-01T00:00:00Z'},"
                + "'spec':{'nodeName':'n1','containers':[{'name':'a'},{'name':'b'}]},"
                + "'status':{'phase':'Running','podIP':'10.244.0.7','containerStatuses':["
                + "{'name':'a','ready':true,'restartCount':2,'state':{'running':{}}},"
                + "{'name':'b','ready':false,'restartCount':1,'state':{'waiting':{'reason':'CrashLoopBackOff'}}}]}}");
        List<Object> cells = new PodStrategy().cells(pod);
        assertEquals("web-1", cells.get(0));
        assertEquals("1/2", cells.get(1));
        assertEquals("CrashLoopBackOff", cells.get(2));
        assertEquals("3", cells.get(3));
        assertEquals("10.244.0.7", cells.get(5));
        assertEquals("n1", cells.get(6));
        assertEquals(new PodStrategy().columns().size(), cells.size());
    }

    @Test
    void terminatingPod() throws IOException {
        ObjectNode pod = obj("{'metadata':{'name':'p','deletionTimestamp':'2020-01-01T00:00:00Z'},'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Running'}}");
        assertEquals("Terminating", new PodStrategy().cells(pod).get(2));
    }

    @Test
    void nodeCells() throws IOException {
        ObjectNode node = obj("{'metadata':{'name':'n1','labels':{'node-role.kubernetes.io/control-plane':''}},"
                + "'spec':{'unschedulable':true},'status':{'conditions':[{'type':'Ready','status':'True'}],"
                + "'addresses':[{'type':'InternalIP','address':'192.0.2.2'}],'nodeInfo':{'kubeletVersion':'v1.32.0'}}}");
        List<Object> cells = new NodeStrategy().cells(node);
        assertEquals(List.of("n1", "Ready,SchedulingDisabled", "control-plane"), cells.subList(0, 3));
        assertEquals("v1.32.0", cells.get(4));
        assertEquals("192.0.2.2", cells.get(5));
    }
}
