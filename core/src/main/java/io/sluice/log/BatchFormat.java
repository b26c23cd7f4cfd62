package io.sluice.log;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Field positions of the batch header and the primitive encodings of the batch format (big-endian fixed-width
 * fields, LEB128 varints, zigzag for signed varints), shared by {@link RecordBatch} and {@link BatchBuilder}.
 */
final class BatchFormat {
    static final int BASE_OFFSET = 0;
    static final int LENGTH = 8;
    static final int MAGIC = 12;
    static final int CRC = 13;
    static final int ATTRIBUTES = 17;
    static final int LAST_OFFSET_DELTA = 19;
    static final int FIRST_TIMESTAMP = 23;
    static final int MAX_TIMESTAMP = 31;
    static final int PRODUCER_ID = 39;
    static final int BASE_SEQUENCE = 47;
    static final int RECORD_COUNT = 51;
    /** The CRC covers everything from here to the end of the batch. */
    static final int CRC_START = ATTRIBUTES;

    static final byte CURRENT_MAGIC = 1;

    /** The largest array most JVMs will allocate. */
    static final int MAX_BATCH_SIZE = Integer.MAX_VALUE - 8;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private BatchFormat() {
    }

    static short getShort(byte[] b, int at) {
        return (short) SHORT.get(b, at);
    }

    static int getInt(byte[] b, int at) {
        return (int) INT.get(b, at);
    }

    static long getLong(byte[] b, int at) {
        return (long) LONG.get(b, at);
    }

    static void putShort(byte[] b, int at, short v) {
        SHORT.set(b, at, v);
    }

    static void putInt(byte[] b, int at, int v) {
        INT.set(b, at, v);
    }

    static void putLong(byte[] b, int at, long v) {
        LONG.set(b, at, v);
    }

    static int zigzag(int v) {
        return (v << 1) ^ (v >> 31);
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static int unzigzag(int v) {
        return (v >>> 1) ^ -(v & 1);
    }

    static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /** Bytes taken by {@code v} as an unsigned varint: 1 to 5. */
    static int varintSize(int v) {
        return (31 - Integer.numberOfLeadingZeros(v | 1)) / 7 + 1;
    }

    /** Bytes taken by {@code v} as an unsigned varlong: 1 to 10. */
    static int varlongSize(long v) {
        return (63 - Long.numberOfLeadingZeros(v | 1)) / 7 + 1;
    }

    /** Writes {@code v} as an unsigned varint at {@code at}; returns the position after it. */
    static int putVarint(byte[] b, int at, int v) {
        while ((v & ~0x7f) != 0) {
            b[at++] = (byte) (v & 0x7f | 0x80);
            v >>>= 7;
        }
        b[at++] = (byte) v;
        return at;
    }

    /** Writes {@code v} as an unsigned varlong at {@code at}; returns the position after it. */
    static int putVarlong(byte[] b, int at, long v) {
        while ((v & ~0x7fL) != 0) {
            b[at++] = (byte) (v & 0x7f | 0x80);
            v >>>= 7;
        }
        b[at++] = (byte) v;
        return at;
    }
}
