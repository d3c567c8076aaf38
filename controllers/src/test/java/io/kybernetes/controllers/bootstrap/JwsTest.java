package io.kybernetes.controllers.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JwsTest {

    /** The signature computed here step by step: header, payload, HMAC keyed with the full token. */
    static String independently(String payload, String id, String secret) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString(("{\"alg\":\"HS256\",\"kid\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec((id + "." + secret).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] sig = mac.doFinal((header + "." + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII));
        return header + ".." + b64.encodeToString(sig);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "abcdef|0123456789abcdef|apiVersion: v1\\nkind: Config\\n",
        "k7bx2q|f0e1d2c3b4a59687|''",
        "zzzzzz|aaaaaaaaaaaaaaaa|clusters:\\n- cluster: {server: 'https://192.0.2.2:6443'}\\n"})
    void detachedSignatureMatchesAnIndependentComputation(String id, String secret, String payload) throws Exception {
        String p = payload.replace("\\n", "\n");
        assertEquals(independently(p, id, secret), Jws.detached(p, id, secret));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // computed outside Java (Python's hmac) for the payload "apiVersion: v1\nkind: Config\n"
        "abcdef|0123456789abcdef|eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiY2RlZiJ9..OL26IkIRSLex9f6p5BswKn_8IIjkARMnpB3RuAHgpIA"})
    void fixedVector(String id, String secret, String expected) {
        assertEquals(expected, Jws.detached("apiVersion: v1\nkind: Config\n", id, secret));
        assertNotEquals(expected, Jws.detached("apiVersion: v1\nkind: Config\n", id, "0123456789abcdeg"));
    }
}
