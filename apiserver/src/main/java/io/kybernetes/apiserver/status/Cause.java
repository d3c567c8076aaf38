package io.kybernetes.apiserver.status;

/** One field error of an Invalid Status (details.causes). */
public record Cause(String reason, String field, String message) {

    public static Cause required(String field) {
        return new Cause("FieldValueRequired", field, "Required value");
    }

    public static Cause invalid(String field, Object value, String detail) {
        return new Cause("FieldValueInvalid", field, "Invalid value: " + quote(value) + ": " + detail);
    }

    public static Cause notSupported(String field, Object value, String detail) {
        return new Cause("FieldValueNotSupported", field, "Unsupported value: " + quote(value) + ": " + detail);
    }

    public static Cause forbidden(String field, String detail) {
        return new Cause("FieldValueForbidden", field, "Forbidden: " + detail);
    }

    public static Cause duplicate(String field, Object value) {
        return new Cause("FieldValueDuplicate", field, "Duplicate value: " + quote(value));
    }

    private static String quote(Object v) {
        return v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
    }

    /** The upstream one-line form: "field: message". */
    public String text() {
        return field + ": " + message;
    }
}
