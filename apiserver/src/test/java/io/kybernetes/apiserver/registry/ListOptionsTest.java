package io.kybernetes.apiserver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kybernetes.apiserver.status.ApiException;

class ListOptionsTest {

    @Test
    void continueTokenRoundTripsInUpstreamForm() {
        ContinueToken t = ContinueToken.after(42, "/registry/pods/default/", "/registry/pods/default/web-1");
        assertEquals("web-1\u0000", t.start());
        String json = new String(Base64.getUrlDecoder().decode(t.encode()), StandardCharsets.UTF_8);
        assertEquals("{\"v\":\"meta.k8s.io/v1\",\"rv\":42,\"start\":\"web-1\\u0000\"}", json);
        assertTrue(!t.encode().contains("="), "unpadded");
        assertEquals(t, ContinueToken.decode(t.encode()));
        assertEquals("/registry/pods/default/web-1\u0000", t.startKey("/registry/pods/default/"));
        assertEquals(-1, ContinueToken.decode(new ContinueToken(-1, "x").encode()).revision());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not base64 !|continue key is not valid",
        "e30|continue key is not valid: server does not recognize this encoded key",
        "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MCwic3RhcnQiOiJhIn0|incorrect encoded start resourceVersion",
        "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6Mywic3RhcnQiOiIvZXRjIn0|continue key is not valid"})
    void badTokensAreRejected(String token, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ContinueToken.decode(token));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "2|null|null|null|0|0",
        "null|null|0|null|0|0",
        "null|null|17|null|0|17",
        "null|null|17|NotOlderThan|0|17",
        "null|null|17|Exact|17|0",
        "5|eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6OSwic3RhcnQiOiJiXHUwMDAwIn0|null|null|9|0",
        "5|eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6LTEsInN0YXJ0IjoiYlx1MDAwMCJ9|null|null|0|0"})
    void readRevisions(String limit, String token, String rv, String match, long read, long minimum) {
        ListOptions o = ListOptions.parse(limit, token, rv, match);
        assertEquals(read, o.readRevision());
        assertEquals(minimum, o.minimumRevision());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "null|null|Exact|422|resourceVersionMatch is forbidden unless resourceVersion is provided",
        "null|0|Exact|422|resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
        "null|5|Newest|422|Unsupported value: \"Newest\"",
        "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6OSwic3RhcnQiOiJiXHUwMDAwIn0|5|null|400|specifying resource version is not allowed when using continue",
        "null|abc|null|400|invalid resource version: abc",
        "garbage!|null|null|400|continue key is not valid"})
    void badCombinations(String token, String rv, String match, int code, String message) {
        ApiException e = assertThrows(ApiException.class, () -> ListOptions.parse("2", token, rv, match));
        assertEquals(code, e.code());
        String text = e.toStatus().toString();
        assertTrue(text.contains(message.replace("\"", "\\\"")) || text.contains(message), text);
    }
}
