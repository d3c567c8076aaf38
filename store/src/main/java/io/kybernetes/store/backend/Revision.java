package io.kybernetes.store.backend;

import java.nio.ByteBuffer;

/**
 * A point in the store's history: {@code main} is the revision of one write transaction, {@code sub} orders the
 * changes inside it. The backend keys history by the 16-byte big-endian encoding, so byte order equals revision order.
 */
public record Revision(long main, long sub) implements Comparable<Revision> {

    public static final int BYTES = 16;

    public byte[] toBytes() {
        return ByteBuffer.allocate(BYTES).putLong(main).putLong(sub).array();
    }

    public static Revision fromBytes(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new Revision(buf.getLong(), buf.getLong());
    }

    @Override
    public int compareTo(Revision o) {
        int c = Long.compare(main, o.main);
        return c != 0 ? c : Long.compare(sub, o.sub);
    }
}
