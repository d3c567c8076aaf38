package io.kybernetes.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;

/**
 * The committed openapi/schemas.json is what {@link SchemaGenerator} produces from the current client-java-api and
 * client-java-proto: regenerate it with {@code mvn -pl apiserver test -Dtest=GeneratedSchemasTest -Dopenapi.write=true}.
 */
class GeneratedSchemasTest {

    @Test
    void committedSchemasAreUpToDate() throws IOException {
        String generated = new SchemaGenerator().generateJson();
        if (Boolean.getBoolean("openapi.write")) {
            Files.writeString(SchemaGenerator.OUTPUT, generated);
        }
        assertEquals(generated, Files.readString(SchemaGenerator.OUTPUT),
                "src/main/resources/openapi/schemas.json is stale: rerun with -Dopenapi.write=true");
    }
}
