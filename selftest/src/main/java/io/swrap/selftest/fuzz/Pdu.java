package io.swrap.selftest.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A valid request (or compound chain) to mutate: its bytes, where each member's header starts, and the
 * length/offset/count fields worth setting to boundary values (absolute offset and size in bytes).
 * {@code fresh}: NEGOTIATE and SESSION_SETUP, sent on a new connection at the point of the exchange they
 * belong to.
 */
public record Pdu(String name, byte[] bytes, int[] members, List<Field> fields, Kind kind) {
    /** Where the PDU goes: an established session, or a new connection before NEGOTIATE / before logon. */
    public enum Kind { SESSION, NEGOTIATE, LOGON }

    public record Field(int offset, int size) {
    }

    /** Builds a body and records its fields relative to the body start (the header is 64 bytes before it). */
    public static final class Body {
        private final ByteBuffer b;
        private final List<Field> fields = new ArrayList<>();

        public Body(int capacity) {
            b = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        }

        public Body u8(int v) {
            b.put((byte) v);
            return this;
        }

        public Body u16(int v) {
            b.putShort((short) v);
            return this;
        }

        public Body u32(int v) {
            b.putInt(v);
            return this;
        }

        public Body u64(long v) {
            b.putLong(v);
            return this;
        }

        public Body bytes(byte[] v) {
            b.put(v);
            return this;
        }

        public Body zeros(int n) {
            b.put(new byte[n]);
            return this;
        }

        /** The next {@code size} bytes are a length, offset or count field. */
        public Body field(int size) {
            fields.add(new Field(b.position(), size));
            return this;
        }

        /** Pads with zeros to a multiple of 8 from the header's start (the body starts at 64). */
        public Body align8() {
            while ((b.position() & 7) != 0) {
                b.put((byte) 0);
            }
            return this;
        }

        public int position() {
            return b.position();
        }

        public byte[] array() {
            byte[] out = new byte[b.position()];
            System.arraycopy(b.array(), 0, out, 0, out.length);
            return out;
        }

        /** The fields, moved to absolute offsets in a message whose header starts at {@code headerAt}. */
        public List<Field> fieldsAt(int headerAt) {
            return fields.stream().map(f -> new Field(headerAt + 64 + f.offset(), f.size())).toList();
        }
    }
}
