package io.kybernetes.apiserver.authorization;

/** An authorizer's answer: allow, deny, or no opinion (the next authorizer decides), with a reason. */
public record Decision(Kind kind, String reason) {

    public enum Kind { ALLOW, DENY, NO_OPINION }

    public static Decision allow(String reason) {
        return new Decision(Kind.ALLOW, reason);
    }

    public static Decision deny(String reason) {
        return new Decision(Kind.DENY, reason);
    }

    public static Decision noOpinion(String reason) {
        return new Decision(Kind.NO_OPINION, reason);
    }

    public boolean allowed() {
        return kind == Kind.ALLOW;
    }
}
