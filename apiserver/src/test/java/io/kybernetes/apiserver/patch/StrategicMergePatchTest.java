package io.kybernetes.apiserver.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.json.Json;

class StrategicMergePatchTest {

    static JsonNode j(String s) throws IOException {
        return Json.parse(s.replace('\'', '"').getBytes());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // name | original | patch | expected
        "scalar replace | {'a':1,'b':2} | {'a':3} | {'a':3,'b':2}",
        "null deletes a field | {'a':1,'b':2} | {'b':null} | {'a':1}",
        "nested maps merge | {'m':{'x':1,'y':2}} | {'m':{'y':3,'z':4}} | {'m':{'x':1,'y':3,'z':4}}",
        "map $patch replace | {'spec':{'m':{'x':1,'y':2}}} | {'spec':{'m':{'$patch':'replace','z':1}}} | {'spec':{'m':{'z':1}}}",
        "map $patch delete | {'spec':{'m':{'x':1},'k':1}} | {'spec':{'m':{'$patch':'delete'}}} | {'spec':{'k':1}}",
        "containers merge by name | {'spec':{'containers':[{'name':'a','image':'x'},{'name':'b','image':'y'}]}} | {'spec':{'containers':[{'name':'b','image':'z'}]}} | {'spec':{'containers':[{'name':'a','image':'x'},{'name':'b','image':'z'}]}}",
        "new container appended | {'spec':{'containers':[{'name':'a','image':'x'}]}} | {'spec':{'containers':[{'name':'c','image':'q'}]}} | {'spec':{'containers':[{'name':'a','image':'x'},{'name':'c','image':'q'}]}}",
        "container $patch delete | {'spec':{'containers':[{'name':'a'},{'name':'b'}]}} | {'spec':{'containers':[{'name':'a','$patch':'delete'}]}} | {'spec':{'containers':[{'name':'b'}]}}",
        "container ports by containerPort | {'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'name':'http'}]}]}} | {'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'protocol':'TCP'},{'containerPort':443}]}]}} | {'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'name':'http','protocol':'TCP'},{'containerPort':443}]}]}}",
        "env by name | {'spec':{'template':{'spec':{'containers':[{'name':'a','env':[{'name':'X','value':'1'},{'name':'Y','value':'2'}]}]}}}} | {'spec':{'template':{'spec':{'containers':[{'name':'a','env':[{'name':'Y','value':'3'}]}]}}}} | {'spec':{'template':{'spec':{'containers':[{'name':'a','env':[{'name':'X','value':'1'},{'name':'Y','value':'3'}]}]}}}}",
        "volumeMounts by mountPath | {'spec':{'containers':[{'name':'a','volumeMounts':[{'mountPath':'/a','name':'v1'}]}]}} | {'spec':{'containers':[{'name':'a','volumeMounts':[{'mountPath':'/a','readOnly':true}]}]}} | {'spec':{'containers':[{'name':'a','volumeMounts':[{'mountPath':'/a','name':'v1','readOnly':true}]}]}}",
        "volumes by name | {'spec':{'volumes':[{'name':'v','emptyDir':{}}]}} | {'spec':{'volumes':[{'name':'w','emptyDir':{}}]}} | {'spec':{'volumes':[{'name':'v','emptyDir':{}},{'name':'w','emptyDir':{}}]}}",
        "service ports by port | {'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443}]}} | {'spec':{'ports':[{'port':80,'targetPort':9090}]}} | {'spec':{'ports':[{'port':80,'targetPort':9090},{'port':443}]}}",
        "conditions by type | {'status':{'conditions':[{'type':'Ready','status':'False'},{'type':'PodScheduled','status':'True'}]}} | {'status':{'conditions':[{'type':'Ready','status':'True'}]}} | {'status':{'conditions':[{'type':'Ready','status':'True'},{'type':'PodScheduled','status':'True'}]}}",
        "finalizers merge as a set | {'metadata':{'finalizers':['a','b']}} | {'metadata':{'finalizers':['b','c']}} | {'metadata':{'finalizers':['a','b','c']}}",
        "ownerReferences by uid | {'metadata':{'ownerReferences':[{'uid':'1','name':'a'}]}} | {'metadata':{'ownerReferences':[{'uid':'2','name':'b'}]}} | {'metadata':{'ownerReferences':[{'uid':'1','name':'a'},{'uid':'2','name':'b'}]}}",
        "args replaced | {'spec':{'containers':[{'name':'a','args':['x','y']}]}} | {'spec':{'containers':[{'name':'a','args':['z']}]}} | {'spec':{'containers':[{'name':'a','args':['z']}]}}",
        "tolerations replaced | {'spec':{'tolerations':[{'key':'a'}]}} | {'spec':{'tolerations':[{'key':'b'}]}} | {'spec':{'tolerations':[{'key':'b'}]}}",
        "list $patch replace | {'spec':{'containers':[{'name':'a'},{'name':'b'}]}} | {'spec':{'containers':[{'name':'c'},{'$patch':'replace'}]}} | {'spec':{'containers':[{'name':'c'}]}}",
        "$deleteFromPrimitiveList | {'metadata':{'finalizers':['a','b','c']}} | {'metadata':{'$deleteFromPrimitiveList/finalizers':['b']}} | {'metadata':{'finalizers':['a','c']}}",
        "$setElementOrder reorders | {'spec':{'containers':[{'name':'a','image':'1'},{'name':'b','image':'2'}]}} | {'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'a'}],'containers':[{'name':'a','image':'3'}]}} | {'spec':{'containers':[{'name':'b','image':'2'},{'name':'a','image':'3'}]}}",
        "$retainKeys drops other keys | {'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}} | {'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}} | {'spec':{'strategy':{'type':'Recreate'}}}",
        "directives stripped from new values | {} | {'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'a'}],'containers':[{'name':'a'}]}}}} | {'spec':{'template':{'spec':{'containers':[{'name':'a'}]}}}}",
    })
    void applies(String name, String original, String patch, String expected) throws IOException {
        assertEquals(j(expected), StrategicMergePatch.apply(j(original), j(patch)));
    }

    @Test
    void kubectlApplyShape() throws IOException {
        // what kubectl apply sends after a change of replicas and image, with the last-applied annotation
        JsonNode live = j("{'metadata':{'name':'web','annotations':{'kubectl.kubernetes.io/last-applied-configuration':'old'}},"
                + "'spec':{'replicas':2,'template':{'spec':{'containers':[{'name':'web','image':'nginx','ports':[{'containerPort':80,'protocol':'TCP'}],"
                + "'imagePullPolicy':'Always'}]}}},'status':{'replicas':2}}");
        JsonNode patch = j("{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'new'}},"
                + "'spec':{'replicas':4,'template':{'spec':{'$setElementOrder/containers':[{'name':'web'}],"
                + "'containers':[{'image':'nginx:1.25','name':'web'}]}}}}");
        JsonNode out = StrategicMergePatch.apply(live, patch);
        assertEquals("new", out.at("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration").asText());
        assertEquals(4, out.at("/spec/replicas").asInt());
        assertEquals("nginx:1.25", out.at("/spec/template/spec/containers/0/image").asText());
        assertEquals(80, out.at("/spec/template/spec/containers/0/ports/0/containerPort").asInt());
        assertEquals("Always", out.at("/spec/template/spec/containers/0/imagePullPolicy").asText());
        assertEquals(2, out.at("/status/replicas").asInt());
        assertEquals(1, out.at("/spec/template/spec/containers").size());
    }

    @Test
    void missingMergeKeyIsAnError() {
        assertThrows(IllegalArgumentException.class,
                () -> StrategicMergePatch.apply(j("{'spec':{'containers':[]}}"), j("{'spec':{'containers':[{'image':'x'}]}}")));
    }
}
