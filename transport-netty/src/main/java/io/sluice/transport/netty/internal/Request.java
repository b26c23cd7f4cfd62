package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import reactor.netty.Connection;

/**
 * A request to the node, matched to its answer by its stream id ({@link InFlightRequests}): sent at once when the
 * client is connected, else once the connection is ready.
 */
abstract class Request {
    final int id;
    /** The connection it was last written on; null until then. */
    volatile Connection sentOn;

    Request(int id) {
        this.id = id;
    }

    /** The request's frame, made anew for each (re)send. */
    abstract ByteBuf encode();

    /** The node's answer (not an error); throws when it is not the answer this request expects. */
    abstract void answer(FrameReader r);

    /** Called once, instead of {@link #answer}: an error frame, a lost connection, a timeout or the client's close. */
    abstract void fail(Throwable e);

    /** True when a dropped connection sends it again rather than failing it. */
    abstract boolean resendable();

    /** True when losing connection {@code c} fails this request. */
    boolean diesWith(Connection c) {
        return sentOn == c && !resendable();
    }
}
