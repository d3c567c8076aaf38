package io.kybernetes.proxy.ipvs;

/** One kernel operation of the IPVS mode; {@link IpvsPlanner#diff} orders them so each is valid when applied. */
public sealed interface IpvsOp {

    record BindAddress(String address) implements IpvsOp {
    }

    record AddService(VirtualServer service) implements IpvsOp {
    }

    record EditService(VirtualServer service) implements IpvsOp {
    }

    record AddRealServer(VirtualServer service, RealServer real) implements IpvsOp {
    }

    record DeleteRealServer(VirtualServer service, RealServer real) implements IpvsOp {
    }

    record DeleteService(VirtualServer service) implements IpvsOp {
    }

    record UnbindAddress(String address) implements IpvsOp {
    }
}
