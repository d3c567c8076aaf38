package io.kybernetes.apiserver.patch;

import static io.kybernetes.apiserver.patch.StrategicMergePatchTest.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MergeAndJsonPatchTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "replace scalar | {'a':'b'} | {'a':'c'} | {'a':'c'}",
        "add field | {'a':'b'} | {'b':'c'} | {'a':'b','b':'c'}",
        "null removes | {'a':'b','b':'c'} | {'a':null} | {'b':'c'}",
        "arrays replaced | {'a':[1,2]} | {'a':[3]} | {'a':[3]}",
        "nested | {'a':{'b':'c','d':1}} | {'a':{'b':'x','d':null}} | {'a':{'b':'x'}}",
        "scale patch | {'spec':{'replicas':1,'x':1}} | {'spec':{'replicas':3}} | {'spec':{'replicas':3,'x':1}}",
    })
    void mergePatch(String name, String original, String patch, String expected) throws IOException {
        assertEquals(j(expected), MergePatch.apply(j(original), j(patch)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "add | {'a':1} | [{'op':'add','path':'/b','value':2}] | {'a':1,'b':2}",
        "add to array end | {'a':[1]} | [{'op':'add','path':'/a/-','value':2}] | {'a':[1,2]}",
        "insert in array | {'a':[1,3]} | [{'op':'add','path':'/a/1','value':2}] | {'a':[1,2,3]}",
        "remove | {'a':1,'b':2} | [{'op':'remove','path':'/b'}] | {'a':1}",
        "replace | {'spec':{'replicas':1}} | [{'op':'replace','path':'/spec/replicas','value':5}] | {'spec':{'replicas':5}}",
        "move | {'a':1} | [{'op':'move','from':'/a','path':'/b'}] | {'b':1}",
        "copy | {'a':{'x':1}} | [{'op':'copy','from':'/a','path':'/b'}] | {'a':{'x':1},'b':{'x':1}}",
        "test ok | {'a':1} | [{'op':'test','path':'/a','value':1},{'op':'add','path':'/b','value':1}] | {'a':1,'b':1}",
        "escaped pointer | {'metadata':{'labels':{'a/b':'x'}}} | [{'op':'replace','path':'/metadata/labels/a~1b','value':'y'}] | {'metadata':{'labels':{'a/b':'y'}}}",
    })
    void jsonPatch(String name, String original, String patch, String expected) throws IOException {
        assertEquals(j(expected), JsonPatch.apply(j(original), j(patch)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'a':1} | [{'op':'test','path':'/a','value':2}]",
        "{'a':1} | [{'op':'remove','path':'/b'}]",
        "{'a':1} | [{'op':'replace','path':'/b','value':1}]",
        "{'a':1} | [{'op':'bogus','path':'/a'}]",
        "{'a':1} | {'op':'add'}",
    })
    void jsonPatchErrors(String original, String patch) {
        assertThrows(IllegalArgumentException.class, () -> JsonPatch.apply(j(original), j(patch)));
    }
}
