package io.sluice.benchmarks.perf.targets.peers;

import io.sluice.benchmarks.perf.measure.Probe;
import io.sluice.benchmarks.perf.measure.ProducerSplit;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.producer.Acks;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import zmq.ZError;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * {@code zeromq}: ZeroMQ (JeroMQ, its pure-Java implementation) PUSH/PULL over TCP loopback in this JVM, no broker,
 * driven as ZeroMQ's own throughput tools drive it: {@code remote_thr} sends with plain blocking sends, {@code local_thr}
 * receives in a loop on its own thread.
 *
 * <p>Per phase, {@code --consumers} PULL sockets each bound to 127.0.0.1 on an ephemeral port, each read by a receive
 * loop on a plain thread of its own, and {@code --producers} PUSH sockets, one per producer thread
 * ({@link ProducerSplit}; a ZeroMQ socket is not thread-safe), each connected to every PULL socket: a PUSH socket
 * hands each message to one of them, round-robin, skipping a full one. Both sides share one context of one I/O thread
 * ({@link #IO_THREADS}: with two, a connection sometimes never delivered). Sends block at the high-water mark (one that
 * waits {@value #WAIT_MS} ms is tried again, so that a phase can stop) and run right on the producer thread, which is
 * then one where blocking is allowed ({@link #publishesOnPayloadThread}).
 *
 * <p>What ZeroMQ promises: delivery in order per PUSH-PULL pair while both sockets live, and nothing more: no
 * acknowledgements, no persistence, no redelivery (between processes, at most once: what sits in a queue or a TCP
 * buffer when a peer goes away is gone). So the only {@code --acks} is {@code none}; any other is refused at
 * {@link #validate}, also when it is sluice-perf's default {@code appended}: a comparison with acknowledging targets
 * must ask for {@code --acks none} on all of them, rather than leave this one weaker unseen (acks are a guarantee,
 * not a tuning knob such as {@code --batch-size}, which each target may leave at its own default). The commands that
 * answer for each target on its own ({@code max-rate}, {@code curve}) run it at {@link #onlyAcks} when {@code --acks}
 * is not given, and say so in their output. The lab's "acked"
 * count for this target is the messages handed to a PUSH socket (its {@code send} returned), not an answer from the
 * receiver.
 *
 * <p>Backpressure is the high-water marks: a PUSH socket queues at most {@code SNDHWM} messages per connected PULL
 * socket, which queues at most {@code RCVHWM}; when both are full (plus what the TCP buffers hold between them), a
 * blocking {@code send} waits, and a non-blocking one ({@code ZMQ.DONTWAIT}) fails with {@code EAGAIN}. PUSH never
 * drops at its HWM. Both are ZeroMQ's default, {@value #HWM}, as its tools run it, rather than derived from the
 * harness's in-flight bound (400,000 records by default), which would make ZeroMQ queue hundreds of thousands of
 * messages as it never does deployed. So at an unlimited rate ZeroMQ's own bound (its queues and the TCP buffers: about
 * 30,000 100-byte messages here), below the harness's, is what holds a producer back.
 */
public final class ZeroMqTarget implements Target {
    public static final String NAME = "zeromq";

    /** ZeroMQ's default high-water mark, of a PUSH socket's send queue and of a PULL socket's receive queue, per pipe. */
    static final int HWM = 1000;
    /** The phase's sockets close at once, dropping what they hold (after a complete phase they hold nothing). */
    private static final int LINGER_MS = 0;
    /**
     * The context's I/O threads, for both sides: ZeroMQ's default of one. With two (in one context, or a context per
     * side as {@code local_thr} and {@code remote_thr} each have theirs), a PUSH-PULL connection of JeroMQ 0.6.0 stayed
     * silent in about one phase in ten here: the PUSH took its 1,000 messages, the PULL never got one.
     */
    static final int IO_THREADS = 1;
    /** How long a blocked send or receive waits before it checks whether the phase is stopping. */
    private static final int WAIT_MS = 100;
    private static final long READER_JOIN_MS = 5_000;

    private ZMQ.Context context;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "ZeroMQ (JeroMQ) PUSH/PULL over TCP loopback in this JVM, no broker: blocking sends as remote_thr, a receive"
                + " loop as local_thr, high-water marks as backpressure, no acknowledgements";
    }

    /** Acknowledgements in the lab's sense: a send counts as acked when the PUSH socket took it (ZeroMQ has none). */
    @Override
    public boolean hasAcks() {
        return true;
    }

    @Override
    public boolean publishesOnPayloadThread() {
        return true;
    }

    @Override
    public Acks onlyAcks() {
        return Acks.NONE;
    }

    @Override
    public void validate(Workload workload) {
        if (workload.acks() != Acks.NONE) {
            throw new IllegalArgumentException("--acks must be none for the " + NAME + " target: ZeroMQ has no"
                    + " acknowledgements (sluice-perf's default is appended; give --acks none, to every target compared"
                    + " with it), was " + workload.acks().name().toLowerCase(Locale.ROOT));
        }
        if (workload.groups() != 1) {
            throw new IllegalArgumentException("--groups must be 1 for the " + NAME + " target: PUSH hands each message to"
                    + " one PULL socket (a copy per group would be PUB/SUB, which drops at its high-water mark), was "
                    + workload.groups());
        }
        if (workload.concurrency() != 1) {
            throw new IllegalArgumentException("--concurrency must be 1 for the " + NAME + " target (one receive loop per"
                    + " PULL socket, as local_thr), was " + workload.concurrency());
        }
    }

    @Override
    public void open(Workload workload) {
        context = ZMQ.context(IO_THREADS);
    }

    @Override
    public Disposable start(Workload workload, Flux<byte[]> payloads, Probe probe) {
        Phase phase = new Phase();
        List<String> endpoints = new ArrayList<>();
        try {
            for (int i = 0; i < workload.consumers(); i++) {
                ZMQ.Socket pull = pull(context, HWM);
                int port = pull.bindToRandomPort("tcp://127.0.0.1");
                endpoints.add("tcp://127.0.0.1:" + port);
                phase.read(pull, "sluice-perf-zeromq-pull-" + i, probe);
            }
        } catch (ZMQException e) {
            phase.dispose();
            throw new TargetUnavailableException("zeromq: cannot bind a PULL socket on 127.0.0.1: " + failure(e), null);
        }
        AtomicInteger running = new AtomicInteger(workload.producers());
        probe.detail("zeromq", String.format(Locale.ROOT, "PUSH/PULL over %s (TCP loopback, this JVM, no broker); %d PUSH"
                        + " socket(s), one per producer thread, blocking sends (remote_thr), each connected to every PULL"
                        + " socket and round-robin among them; %d PULL socket(s), each read by a receive loop on its own thread"
                        + " (local_thr); one context of %d I/O thread for both sides; linger %d ms",
                String.join(", ", endpoints), workload.producers(), workload.consumers(), IO_THREADS, LINGER_MS));
        probe.detail("zeromq hwm", String.format(Locale.ROOT, "SNDHWM %,d per PUSH pipe, RCVHWM %,d per PULL pipe"
                + " (ZeroMQ's defaults), the backpressure: a send blocks once both and the TCP buffers between them are"
                + " full, and never drops; the harness's in-flight bound, %,d records, applies as to every target",
                HWM, HWM, workload.inFlightLimit()));
        probe.detail("zeromq acks", "none: ZeroMQ has no acknowledgements; acked counts the messages handed to a PUSH socket"
                + " (its send returned), not what the receiver got; at most once between processes, no persistence");
        probe.detail("zeromq not used", "--partitions (a queue per PUSH-PULL pair; they only size the harness's in-flight"
                + " bound), --keys (not sent: a key only picks its record's producer, so its order is one PUSH socket's"
                + (workload.consumers() > 1 ? ", and with several PULL sockets that order holds per PULL socket only" : "")
                + "), --batch-size and --linger (ZeroMQ batches in its I/O thread), --prefetch (RCVHWM is the read-ahead)");
        phase.sending = ProducerSplit.split(payloads, workload, true, (index, share) -> {
            ZMQ.Socket push = push(context, HWM);
            endpoints.forEach(push::connect);
            Pusher pusher = new Pusher(push, probe, running);
            if (phase.register(pusher)) {
                share.subscribe(pusher);
            }
            return pusher::close;
        });
        return phase;
    }

    /**
     * What went wrong, by ZeroMQ's error code: JeroMQ 0.6.0's {@code ZMQException.toString} itself throws for codes its
     * enum lacks (125, {@code ECANCELED}), so neither it nor a stack trace that prints it is used.
     */
    private static String failure(ZMQException e) {
        return "ZeroMQ error code " + e.getErrorCode();
    }

    /** A PUSH socket of the target's settings, with send high-water mark {@code hwm}. */
    static ZMQ.Socket push(ZMQ.Context context, int hwm) {
        ZMQ.Socket push = context.socket(SocketType.PUSH);
        push.setLinger(LINGER_MS);
        push.setSndHWM(hwm);
        return push;
    }

    /** A PULL socket of the target's settings, with receive high-water mark {@code hwm}. */
    static ZMQ.Socket pull(ZMQ.Context context, int hwm) {
        ZMQ.Socket pull = context.socket(SocketType.PULL);
        pull.setLinger(LINGER_MS);
        pull.setRcvHWM(hwm);
        return pull;
    }

    @Override
    public void close() {
        // every socket of a phase is closed when the phase is disposed, so terminating the context does not wait
        if (context != null) {
            context.close();
            context = null;
        }
    }

    /**
     * One phase's sockets and threads. Disposing stops every send and receive loop (each gives up within
     * {@value #WAIT_MS} ms, even at the high-water mark), closes the PUSH sockets once their sends have returned, and
     * waits for the receive loops, which close their PULL sockets themselves: a ZeroMQ socket is closed by the thread
     * that uses it, or after it, never under it.
     */
    private static final class Phase implements Disposable {
        private final List<Pusher> pushers = new ArrayList<>();
        private final List<Thread> readers = new ArrayList<>();
        private volatile boolean stopping;
        private Disposable sending;
        private boolean disposed;

        void read(ZMQ.Socket pull, String name, Probe probe) {
            Thread reader = new Thread(() -> receiveLoop(pull, probe), name);
            reader.setDaemon(true);
            readers.add(reader);
            reader.start();
        }

        /** Keeps {@code pusher} to close with the phase and returns true, or closes it now if the phase is over. */
        synchronized boolean register(Pusher pusher) {
            if (disposed) {
                pusher.close();
                return false;
            }
            pushers.add(pusher);
            return true;
        }

        @Override
        public void dispose() {
            List<Pusher> open;
            synchronized (this) {
                if (disposed) {
                    return;
                }
                disposed = true;
                open = List.copyOf(pushers);
            }
            stopping = true;
            // the sends return before the producer threads go: an interrupt must not reach a socket's wait
            open.forEach(Pusher::close);
            if (sending != null) {
                sending.dispose();
            }
            for (Thread reader : readers) {
                try {
                    reader.join(READER_JOIN_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        @Override
        public synchronized boolean isDisposed() {
            return disposed;
        }

        /**
         * A PULL socket's receive loop, as {@code local_thr}'s, every message to the probe; a receive that times out
         * ({@value #WAIT_MS} ms without a message) only checks whether the phase is stopping.
         */
        private void receiveLoop(ZMQ.Socket pull, Probe probe) {
            try {
                pull.setReceiveTimeOut(WAIT_MS);
                while (!stopping) {
                    byte[] m = pull.recv(0);
                    if (m != null) {
                        probe.received(0, Payload.seq(m), Payload.intendedNanos(m), System.nanoTime());
                    } else if (pull.errno() != ZError.EAGAIN) {
                        probe.failed(new IllegalStateException("zeromq: receive failed, errno " + pull.errno()));
                        return;
                    }
                }
            } catch (ZMQException e) {
                probe.failed(new IllegalStateException("zeromq: receive failed: " + failure(e)));
            } finally {
                pull.close();
            }
        }
    }

    /**
     * Sends on its producer thread with ZeroMQ's blocking send, counting each message the socket took as acked. A send
     * that waits {@value #WAIT_MS} ms at the high-water mark returns and is tried again, unless the phase is stopping.
     * The socket is used under this object's lock, so that {@link #close} closes it (from the runner's thread) only
     * once a send in progress has returned.
     */
    private static final class Pusher extends BaseSubscriber<byte[]> {
        private final ZMQ.Socket socket;
        private final Probe probe;
        private final AtomicInteger running;
        private volatile boolean stopping;
        private boolean closed;

        Pusher(ZMQ.Socket socket, Probe probe, AtomicInteger running) {
            this.socket = socket;
            this.probe = probe;
            this.running = running;
            socket.setSendTimeOut(WAIT_MS);
        }

        @Override
        protected void hookOnNext(byte[] value) {
            synchronized (this) {
                try {
                    while (!closed && !stopping) {
                        if (socket.send(value, 0)) {
                            probe.acked();
                            return;
                        }
                        if (socket.errno() != ZError.EAGAIN) {
                            probe.failed(new IllegalStateException("zeromq: send failed, errno " + socket.errno()));
                            break;
                        }
                    }
                } catch (ZMQException e) {
                    probe.failed(new IllegalStateException("zeromq: send failed: " + failure(e)));
                }
            }
            cancel();
        }

        @Override
        protected void hookOnComplete() {
            if (running.decrementAndGet() == 0) {
                probe.acksCompleted();
            }
        }

        @Override
        protected void hookOnError(Throwable e) {
            probe.failed(e);
        }

        /**
         * Stops the subscription and closes the socket once a send in progress has returned, from any thread. Not on
         * completion: the socket then still holds what its I/O thread has not written yet.
         */
        void close() {
            stopping = true;
            dispose();
            synchronized (this) {
                if (!closed) {
                    closed = true;
                    socket.close();
                }
            }
        }
    }
}
