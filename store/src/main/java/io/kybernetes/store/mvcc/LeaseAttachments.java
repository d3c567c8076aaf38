package io.kybernetes.store.mvcc;

import com.google.protobuf.ByteString;

/** Keeps the lessor's lease-to-keys map in step with writes; called on the store's writer thread. */
public interface LeaseAttachments {

    void attach(long lease, ByteString key);

    void detach(long lease, ByteString key);

    LeaseAttachments NONE = new LeaseAttachments() {
        @Override
        public void attach(long lease, ByteString key) {
        }

        @Override
        public void detach(long lease, ByteString key) {
        }
    };
}
