package io.kybernetes.apiserver.fieldmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.kybernetes.apiserver.json.Json;

class FieldsTest {

    static JsonNode json(String s) throws IOException {
        return Json.parse(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    /** The FieldsV1 encoding of the fields an applied configuration sets. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // scalars and maps: f:<name>, leaves are {}
        "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','namespace':'d'},'data':{'a':'1'}}"
                + "|{'f:data':{'f:a':{}}}",
        "{'metadata':{'labels':{'app':'x'},'annotations':{'n':'1'}}}"
                + "|{'f:metadata':{'f:annotations':{'f:n':{}},'f:labels':{'f:app':{}}}}",
        // containers keyed by name, the item itself is '.'
        "{'spec':{'containers':[{'name':'web','image':'nginx'}]}}"
                + "|{'f:spec':{'f:containers':{'k:{\\\"name\\\":\\\"web\\\"}':{'.':{},'f:image':{},'f:name':{}}}}}",
        // container ports keyed by containerPort and the defaulted protocol
        "{'spec':{'containers':[{'name':'w','ports':[{'containerPort':80}]}]}}"
                + "|{'f:spec':{'f:containers':{'k:{\\\"name\\\":\\\"w\\\"}':{'.':{},'f:name':{},'f:ports':"
                + "{'k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}':{'.':{},'f:containerPort':{}}}}}}}",
        // env by name
        "{'spec':{'containers':[{'name':'w','env':[{'name':'A','value':'1'}]}]}}"
                + "|{'f:spec':{'f:containers':{'k:{\\\"name\\\":\\\"w\\\"}':{'.':{},'f:env':{'k:{\\\"name\\\":\\\"A\\\"}':"
                + "{'.':{},'f:name':{},'f:value':{}}},'f:name':{}}}}}",
        // sets of scalars: v:<value>
        "{'metadata':{'finalizers':['a/b']}}|{'f:metadata':{'f:finalizers':{'v:\\\"a/b\\\"':{}}}}",
        // atomic lists and selectors are leaves
        "{'spec':{'containers':[{'name':'w','args':['-x']}]}}"
                + "|{'f:spec':{'f:containers':{'k:{\\\"name\\\":\\\"w\\\"}':{'.':{},'f:args':{},'f:name':{}}}}}",
        "{'spec':{'selector':{'matchLabels':{'a':'b'}},'replicas':2}}|{'f:spec':{'f:replicas':{},'f:selector':{}}}",
        // status is not the main resource's when it is a subresource
        "{'status':{'phase':'x'},'spec':{'a':1}}|{'f:spec':{'f:a':{}}}",
        // a keyed list with an item that lacks its key is taken whole
        "{'spec':{'containers':[{'image':'x'}]}}|{'f:spec':{'f:containers':{}}}",
    })
    void appliedSet(String applied, String fieldsV1) throws IOException {
        assertEquals(json(fieldsV1), Fields.of(json(applied), false).toJson());
    }

    /** What an Update records: what it set or changed; new maps and list items carry '.'. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}|{'data':{'a':'1'}}|{'f:data':{'.':{},'f:a':{}}}",
        "{'data':{'a':'1','b':'2'}}|{'data':{'a':'1','b':'3'}}|{'f:data':{'f:b':{}}}",
        "{'data':{'a':'1'}}|{'data':{'a':'1'}}|{}",
        "{}|{'metadata':{'name':'n','labels':{'x':'y'}},'spec':{'replicas':1}}"
                + "|{'f:metadata':{'f:labels':{'.':{},'f:x':{}}},'f:spec':{'f:replicas':{}}}",
        "{'spec':{'containers':[{'name':'a','image':'i'}]}}|{'spec':{'containers':[{'name':'a','image':'i'},"
                + "{'name':'b','image':'j'}]}}"
                + "|{'f:spec':{'f:containers':{'k:{\\\"name\\\":\\\"b\\\"}':{'.':{},'f:image':{},'f:name':{}}}}}",
    })
    void updateSet(String old, String updated, String fieldsV1) throws IOException {
        assertEquals(json(fieldsV1), Fields.changed(json(old), json(updated)).toJson());
    }

    @Test
    void fieldsV1RoundTrip() throws IOException {
        JsonNode v1 = json("{'f:metadata':{'f:labels':{'.':{},'f:app':{}}},'f:spec':{'f:containers':"
                + "{'k:{\\\"name\\\":\\\"w\\\"}':{'.':{},'f:image':{}}}}}");
        FieldSet s = FieldSet.fromJson(v1);
        assertEquals(v1, s.toJson());
        assertEquals(4, s.members().size());
        assertEquals(List.of("f:metadata", "f:labels", "f:app"), s.members().get(1));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "f:data,f:a|.data.a",
        "f:spec,f:containers,k:{\"name\":\"web\"},f:image|.spec.containers[name=\"web\"].image",
        "f:spec,f:ports,k:{\"port\":80,\"protocol\":\"TCP\"}|.spec.ports[port=80,protocol=\"TCP\"]",
        "f:metadata,f:finalizers,v:\"x\"|.metadata.finalizers[=\"x\"]",
    })
    void printedPaths(String elements, String printed) {
        assertEquals(printed, Fields.print(List.of(elements.split(",(?=[fkv]:)"))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // maps merge field by field
        "{'data':{'a':'1','b':'2'}}|{'data':{'a':'3'}}|{'data':{'a':'3','b':'2'}}",
        // keyed lists merge by key, new items are appended
        "{'spec':{'containers':[{'name':'a','image':'x','args':['1']}]}}|{'spec':{'containers':[{'name':'a',"
                + "'image':'y'},{'name':'b','image':'z'}]}}|{'spec':{'containers':[{'name':'a','image':'y','args':['1']},"
                + "{'name':'b','image':'z'}]}}",
        // ports keyed with the defaulted protocol match the live, defaulted, ones
        "{'spec':{'ports':[{'port':80,'protocol':'TCP','targetPort':80}]}}|{'spec':{'ports':[{'port':80,'name':'h'}]}}"
                + "|{'spec':{'ports':[{'port':80,'protocol':'TCP','targetPort':80,'name':'h'}]}}",
        // sets are unions, atomic lists and selectors are replaced
        "{'metadata':{'finalizers':['a']}}|{'metadata':{'finalizers':['b']}}|{'metadata':{'finalizers':['a','b']}}",
        "{'spec':{'args':['a','b']}}|{'spec':{'args':['c']}}|{'spec':{'args':['c']}}",
        "{'spec':{'selector':{'matchLabels':{'a':'b'}}}}|{'spec':{'selector':{'matchExpressions':[]}}}"
                + "|{'spec':{'selector':{'matchExpressions':[]}}}",
    })
    void merge(String live, String applied, String merged) throws IOException {
        assertEquals(json(merged), Fields.merge(json(live), json(applied), ""));
    }
}
