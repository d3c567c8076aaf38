package io.kybernetes.apiserver.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.status.ApiException;
import io.vertx.core.buffer.Buffer;

class PodStreamRoutesTest {

    @ParameterizedTest(name = "{0} websocket={1} [{2}] -> {3}")
    @CsvSource(delimiter = '|', value = {
        "exec        | true  | v5.channel.k8s.io                      | TRANSLATE",
        "attach      | true  | v5.channel.k8s.io                      | TRANSLATE",
        "exec        | true  | v5.channel.k8s.io v4.channel.k8s.io    | TRANSLATE",
        "exec        | true  | v4.channel.k8s.io                      | RELAY",
        "exec        | true  | base64.channel.k8s.io                  | RELAY",
        "exec        | false | ''                                     | RELAY",
        "portforward | true  | SPDY/3.1+portforward.k8s.io            | TUNNEL",
        "portforward | true  | v5.channel.k8s.io                      | RELAY",
        "portforward | true  | portforward.k8s.io                     | RELAY",
        "portforward | false | ''                                     | RELAY",
    })
    void picksHowToServe(String sub, boolean webSocket, String protocols, PodStreamRoutes.Mode expected) {
        List<String> p = Arrays.stream(protocols.split(" ")).filter(s -> !s.isBlank()).toList();
        assertEquals(expected, PodStreamRoutes.mode(sub, webSocket, p));
    }

    private static ObjectNode pod(String... containers) throws Exception {
        StringBuilder cs = new StringBuilder();
        for (String c : containers) {
            cs.append(cs.length() == 0 ? "" : ",").append("{\"name\":\"").append(c).append("\"}");
        }
        return (ObjectNode) new ObjectMapper().readTree("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},"
                + "\"spec\":{\"containers\":[" + cs + "]}}");
    }

    @ParameterizedTest(name = "{0} ?{1}")
    @CsvSource(delimiter = '|', value = {
        "exec        | command=cat&command=%2Fetc%2Fhostname&stdout=true | /exec/ns/p/a?command=cat&command=%2Fetc%2Fhostname&stdout=true",
        "exec        | container=a&command=ls&stdin=true                 | /exec/ns/p/a?command=ls&stdin=true",
        "attach      | stdout=1&stderr=1                                 | /attach/ns/p/a?stdout=1&stderr=1",
        "portforward | ''                                                | /portForward/ns/p",
        "portforward | ports=80                                          | /portForward/ns/p?ports=80",
    })
    void kubeletPaths(String sub, String query, String expected) throws Exception {
        assertEquals(expected, PodStreamRoutes.kubeletPath(pod("a"), sub, query));
    }

    @Test
    void containerMustBeValidOrUnambiguous() throws Exception {
        ApiException unknown = assertThrows(ApiException.class,
                () -> PodStreamRoutes.kubeletPath(pod("a", "b"), "exec", "container=zz&command=ls"));
        assertEquals(400, unknown.code());
        assertEquals("container zz is not valid for pod p", unknown.getMessage());
        ApiException ambiguous = assertThrows(ApiException.class,
                () -> PodStreamRoutes.kubeletPath(pod("a", "b"), "exec", "command=ls"));
        assertEquals(400, ambiguous.code());
        assertEquals("/exec/ns/p/b?command=ls", PodStreamRoutes.kubeletPath(pod("a", "b"), "exec", "container=b&command=ls"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1 404 Not Found | container a is not running in pod ns/p | 404 | NotFound   | container a is not running in pod ns/p",
        "HTTP/1.1 400 Bad Request | you must specify at least 1 command | 400 | BadRequest | you must specify at least 1 command",
        "HTTP/1.1 503 Service Unavailable | ''                           | 503 | ServiceUnavailable | Service Unavailable",
        "HTTP/1.1 500 Internal Server Error | runtime: boom              | 500 | InternalError | runtime: boom",
    })
    void kubeletRefusalsBecomeStatuses(String statusLine, String body, int code, String reason, String message) {
        UpgradeHead head = UpgradeHead.parse(statusLine + "\r\nContent-Type: text/plain");
        ApiException e = KubeletDialer.refusal(head, Buffer.buffer(body + "\n"));
        assertEquals(code, e.code());
        assertEquals(reason, e.reason());
        assertEquals(message, e.getMessage());
    }

    @Test
    void upgradeHeadParses() {
        Buffer b = Buffer.buffer("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\nrest");
        int end = UpgradeHead.end(b);
        UpgradeHead h = UpgradeHead.parse(b.getString(0, end));
        assertEquals(101, h.status());
        assertEquals("v4.channel.k8s.io", h.header("x-stream-protocol-version"));
        assertEquals(3, h.headers().size());
        assertEquals("rest", b.getString(end + 4, b.length()));
    }
}
