package io.sluice.benchmarks.perf.workload;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The value every target moves: {@code size} bytes whose first 8 are the record's sequence number and next 8
 * its intended send time ({@link System#nanoTime()}), both big-endian; the rest are zeros.
 */
public final class Payload {
    /** The smallest value that holds a sequence number and a send time. */
    public static final int MIN_SIZE = 16;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Payload() {
    }

    /** A new value of {@code size} bytes carrying {@code seq} and {@code intendedNanos}. */
    public static byte[] create(int size, long seq, long intendedNanos) {
        byte[] value = new byte[size];
        LONG.set(value, 0, seq);
        LONG.set(value, 8, intendedNanos);
        return value;
    }

    public static long seq(byte[] value) {
        return (long) LONG.get(value, 0);
    }

    public static long intendedNanos(byte[] value) {
        return (long) LONG.get(value, 8);
    }

    /** The sequence number of a value seen through a buffer (absolute read: the buffer's position is ignored). */
    public static long seq(ByteBuffer value) {
        return value.getLong(0);
    }

    /** The intended send time of a value seen through a buffer (absolute read). */
    public static long intendedNanos(ByteBuffer value) {
        return value.getLong(8);
    }
}
