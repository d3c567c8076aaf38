package io.kybernetes.apiserver.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Kubernetes protobuf encoding (media type {@value #MEDIA_TYPE}): the 4-byte magic, then a runtime.Unknown
 * envelope carrying TypeMeta and the encoded object. Converts to and from the JSON trees the apiserver stores.
 */
public interface ProtobufCodec {

    String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    /** Whether objects of this apiVersion and kind (including *List kinds and Status) can be encoded. */
    boolean supports(String apiVersion, String kind);

    /** Decodes a request body into a JSON object tree with apiVersion and kind set. */
    ObjectNode decode(byte[] body);

    /** Encodes a JSON object (apiVersion and kind set) into the wire form. */
    byte[] encode(JsonNode object);
}
