package io.kybernetes.apiserver.kinds;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.Column;
import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.table.Age;

/** Endpoints: the ENDPOINTS column (first three ip:port pairs, then "+ N more..."). */
@ApplicationScoped
public class EndpointsStrategy implements Strategy {

    @Override
    public List<Column> columns() {
        return List.of(Column.named(), Column.of("Endpoints", "string", "Endpoints of the service"), Column.age());
    }

    @Override
    public List<Object> cells(ObjectNode obj) {
        List<String> all = new ArrayList<>();
        for (JsonNode subset : obj.path("subsets")) {
            for (JsonNode a : subset.path("addresses")) {
                if (subset.path("ports").isEmpty()) {
                    all.add(a.path("ip").asText());
                }
                for (JsonNode p : subset.path("ports")) {
                    all.add(a.path("ip").asText() + ":" + p.path("port").asText());
                }
            }
        }
        String text;
        if (all.isEmpty()) {
            text = "<none>";
        } else if (all.size() > 3) {
            text = String.join(",", all.subList(0, 3)) + " + " + (all.size() - 3) + " more...";
        } else {
            text = String.join(",", all);
        }
        return List.of(Json.str(obj, "metadata.name"), text, Age.since(Json.str(obj, "metadata.creationTimestamp")));
    }
}
