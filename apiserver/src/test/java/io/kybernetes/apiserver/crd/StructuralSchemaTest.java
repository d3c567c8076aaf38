package io.kybernetes.apiserver.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.Cause;

class StructuralSchemaTest {

    static ObjectNode obj(String json) {
        try {
            return (ObjectNode) Json.parse(json.replace('\'', '"').getBytes());
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static final StructuralSchema SCHEMA = new StructuralSchema(obj("{'type':'object','properties':{'spec':{'type':"
            + "'object','required':['size'],'properties':{'size':{'type':'integer','minimum':1,'maximum':10},"
            + "'color':{'type':'string','enum':['red','blue'],'default':'blue'},'name':{'type':'string','pattern':"
            + "'^[a-z]+$','maxLength':5},'tags':{'type':'array','maxItems':2,'items':{'type':'string'}},'port':"
            + "{'x-kubernetes-int-or-string':true},'free':{'type':'object','x-kubernetes-preserve-unknown-fields':"
            + "true},'labels':{'type':'object','additionalProperties':{'type':'string'}}}}}}"));

    @Test
    void prunesUnknownFieldsAndDefaults() {
        ObjectNode o = obj("{'apiVersion':'x/v1','kind':'K','metadata':{'name':'a','x':1},'spec':{'size':2,"
                + "'unknown':1,'free':{'any':{'thing':1}},'labels':{'a':'b'}},'top':1}");
        SCHEMA.pruneAndDefault(o);
        assertEquals(obj("{'apiVersion':'x/v1','kind':'K','metadata':{'name':'a','x':1},'spec':{'size':2,"
                + "'free':{'any':{'thing':1}},'labels':{'a':'b'},'color':'blue'}}"), o);
        assertEquals(List.of(), SCHEMA.validate(o));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'size':'big'}|spec.size|Invalid value: \"string\": spec.size in body must be of type integer: \"string\"",
        "{}|spec.size|Required value",
        "{'size':0}|spec.size|spec.size in body should be greater than or equal to 1",
        "{'size':11}|spec.size|spec.size in body should be less than or equal to 10",
        "{'size':1,'color':'green'}|spec.color|Unsupported value: \"green\": supported values: \"red\", \"blue\"",
        "{'size':1,'name':'ABC'}|spec.name|spec.name in body should match '^[a-z]+$'",
        "{'size':1,'name':'abcdef'}|spec.name|Too long: may not be more than 5 bytes",
        "{'size':1,'tags':['a','b','c']}|spec.tags|Too many: 3: must have at most 2 items",
        "{'size':1,'tags':[1]}|spec.tags[0]|must be of type string",
        "{'size':1,'port':true}|spec.port|must be of type integer or string",
        "{'size':1,'labels':{'a':1}}|spec.labels.a|must be of type string"})
    void validates(String spec, String field, String message) {
        List<Cause> causes = SCHEMA.validate(obj("{'spec':" + spec + "}"));
        assertTrue(causes.stream().anyMatch(c -> c.field().equals(field) && c.message().contains(message)),
                () -> field + ": " + message + " not in " + causes);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        ".spec.size|3", ".status.conditions[?(@.type==\"Ready\")].status|True", ".status.conditions[1].type|Synced",
        ".spec.missing|", ".metadata.name|g"})
    void printerColumnPaths(String path, String expected) {
        JsonNode o = obj("{'metadata':{'name':'g'},'spec':{'size':3},'status':{'conditions':[{'type':'Ready',"
                + "'status':'True'},{'type':'Synced','status':'False'}]}}");
        JsonNode v = JsonPathCell.eval(o, path);
        assertEquals(expected == null ? "" : expected, v.isMissingNode() ? "" : v.asText());
    }

    @Test
    void schemaNamesAreReversedGroups() {
        assertEquals("com.example.stable.v1.CronTab",
                CustomResourceDefinitions.schemaName("stable.example.com", "v1", "CronTab"));
    }
}
