package io.kybernetes.scheduler.scheduling;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * fabric8's CRUD mock server plus the pods/binding subresource, which it lacks: a Binding POST becomes a merge
 * patch of the pod's spec.nodeName (409 when the pod is already bound, as the real apiserver).
 */
public class BindingCrudDispatcher extends KubernetesCrudDispatcher {

    private static final Pattern BINDINGS = Pattern.compile("/api/v1/namespaces/([^/]+)/bindings(\\?.*)?");
    private static final Pattern POD_BINDING = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/binding(\\?.*)?");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        Matcher all = BINDINGS.matcher(request.getPath());
        Matcher one = POD_BINDING.matcher(request.getPath());
        if (!all.matches() && !one.matches()) {
            return super.handleCreate(request);
        }
        try {
            JsonNode binding = JSON.readTree(request.getUtf8Body());
            String ns = all.matches() ? all.group(1) : one.group(1);
            String name = all.matches() ? binding.path("metadata").path("name").asText() : one.group(2);
            String node = binding.path("target").path("name").asText();
            String podPath = "/api/v1/namespaces/" + ns + "/pods/" + name;
            MockResponse current = handleGet(podPath);
            if (current.code() != 200) {
                return current;
            }
            JsonNode pod = JSON.readTree(current.getBody().readUtf8());
            if (!pod.path("spec").path("nodeName").asText("").isEmpty()) {
                return new MockResponse().setResponseCode(409).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                        + "\"status\":\"Failure\",\"reason\":\"Conflict\",\"code\":409,\"message\":\"pod " + name
                        + " is already assigned to node " + pod.path("spec").path("nodeName").asText() + "\"}");
            }
            byte[] patch = ("{\"spec\":{\"nodeName\":\"" + node + "\"}}").getBytes(StandardCharsets.UTF_8);
            RecordedRequest p = new RecordedRequest("HTTP/1.1", HttpMethod.PATCH, podPath,
                    Headers.builder().add("Content-Type", "application/merge-patch+json").build(),
                    new Buffer(patch));
            MockResponse patched = handlePatch(p);
            return patched.code() == 200
                    ? new MockResponse().setResponseCode(201).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                            + "\"status\":\"Success\",\"code\":201}")
                    : patched;
        } catch (Exception e) {
            return new MockResponse().setResponseCode(400).setBody(String.valueOf(e.getMessage()));
        }
    }
}
