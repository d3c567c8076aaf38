package io.kybernetes.scheduler.plugins;

import java.util.List;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

/** Toleration matching as documented for taints and tolerations. */
final class Tolerations {

    private Tolerations() {
    }

    static boolean tolerates(List<Toleration> tolerations, Taint taint) {
        if (tolerations == null) {
            return false;
        }
        for (Toleration t : tolerations) {
            if (tolerates(t, taint)) {
                return true;
            }
        }
        return false;
    }

    static boolean tolerates(Toleration t, Taint taint) {
        if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
            return false;
        }
        String key = t.getKey() == null ? "" : t.getKey();
        String op = t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator();
        if (!key.isEmpty() && !key.equals(taint.getKey())) {
            return false;
        }
        if (key.isEmpty() && !op.equals("Exists")) {
            return false;
        }
        if (op.equals("Exists")) {
            return true;
        }
        String value = t.getValue() == null ? "" : t.getValue();
        String taintValue = taint.getValue() == null ? "" : taint.getValue();
        return op.equals("Equal") && value.equals(taintValue);
    }
}
