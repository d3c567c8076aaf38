package io.kybernetes.apiserver.kinds;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.registry.Strategy;
import io.kybernetes.apiserver.status.Cause;

/** What the pod-template workloads (Deployment, ReplicaSet) share: their validation and a status subresource. */
abstract class WorkloadStrategy implements Strategy {

    @Override
    public List<Cause> validate(ObjectNode obj) {
        return Workloads.validate(obj);
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
        return Workloads.validateUpdate(obj, old);
    }

    @Override
    public boolean statusIsSubresource() {
        return true;
    }
}
