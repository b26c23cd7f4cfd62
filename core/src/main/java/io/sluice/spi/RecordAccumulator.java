package io.sluice.spi;

import io.sluice.errors.RecordTooLargeException;
import io.sluice.log.BatchBuilder;
import io.sluice.log.RecordBatch;
import io.sluice.partition.Partitioner;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The accumulator half of one {@link SendOperator}: per partition ({@link PartitionBatches}) the open batch that
 * records join, the closed batches ({@link ProducerBatch}) waiting for a slot in the partition's window of
 * {@code maxInFlight}, and the appended ones not yet acknowledged, in send order. A partition's open batch closes when the next record does not fit, on the sender
 * worker's next turn (linger 0) or when its linger is up; each closed batch is appended once.
 *
 * <p>Guarded by this object's monitor: the upstream's thread adds each record under it, the sender worker
 * (linger 0) or the linger timer closes batches under it, and batches are appended under it so that a partition's
 * appends keep their order. The monitor is uncontended almost always; nothing shared is written per record by two
 * threads. What the operator's results loop does about a closed batch runs after the monitor is let go, so
 * downstream code never runs under it.
 */
final class RecordAccumulator {
    /** What {@link #add} did with a message. */
    enum Added {
        /** Nothing: the send has stopped. */
        STOPPED,
        /** Taken (or refused through {@link Results#addFailed}); no batch closed since the last look. */
        TAKEN,
        /** Taken, and a batch closed since the last look (so maybe acknowledged at once): the results loop has work. */
        CLOSED_A_BATCH
    }

    /** The results half the accumulator reports to: the {@link SendOperator} that owns it. */
    interface Results {
        /** A batch's append was answered; on any thread, possibly under the accumulator's monitor. */
        void completed(ProducerBatch batch);

        /** With acks {@code NONE}: a batch was dispatched, and its results need not wait; under the monitor. */
        void released(ProducerBatch batch);

        /**
         * The message {@link #add} was given cannot be sent (unknown topic, partition out of range, too large for a
         * batch); under the monitor.
         */
        void addFailed(RuntimeException error);

        /** The sender worker or the linger timer closed batches; called after letting go of the monitor. */
        void batchesClosed();
    }

    private final SendTarget target;
    private final Results results;
    private final Partitioner partitioner;
    private final Acks acks;
    private final int batchSize;
    private final int maxInFlight;
    private final long lingerNanos;
    private final Scheduler timerScheduler;
    /** With linger 0: the worker whose next turn closes the open batches (see {@link #flush}). */
    private final Scheduler.Worker sender;
    /** Written into this send's batches: see {@link SendTarget#newProducerId()}. */
    private final long producerId;

    // ---- guarded by this ----
    private final Map<SendTarget.Topic, PartitionBatches[]> partitions = new IdentityHashMap<>();
    private String lastTopicName;
    private SendTarget.Topic lastTopic;
    private PartitionBatches[] lastPartitions;
    private final List<PartitionBatches> open = new ArrayList<>();
    private boolean flushScheduled;
    private Disposable lingerTimer;
    private boolean stopped;
    /** The Sluice is closing: no more records are taken (see {@link #stopTaking}). */
    private boolean notTaking;
    /** Records taken from upstream. */
    private long taken;
    /** A batch was closed (and so maybe acknowledged at once) since the last look: the results loop has work. */
    private boolean closedSinceLook;

    RecordAccumulator(SendTarget target, ProducerOptions options, Results results) {
        this.target = target;
        this.producerId = target.newProducerId();
        this.results = results;
        this.partitioner = options.partitioner();
        this.acks = options.acks();
        this.batchSize = options.batchSize();
        this.maxInFlight = options.maxInFlight();
        this.lingerNanos = options.linger().toNanos();
        this.timerScheduler = lingerNanos > 0 ? Schedulers.parallel() : null;
        this.sender = lingerNanos == 0 ? target.senderScheduler().createWorker() : null;
    }

    /**
     * Adds a message to its partition's open batch (closing that batch first when the message does not fit), and
     * with linger 0 schedules the sender worker's turn that closes it. A message that cannot be sent goes to
     * {@link Results#addFailed}.
     */
    Added add(OutboundMessage<?> message) {
        boolean scheduleFlush = false;
        boolean closed;
        synchronized (this) {
            if (stopped || notTaking) {
                return Added.STOPPED;
            }
            taken++;
            PartitionBatches acc = null;
            try {
                acc = addRecord(message);
            } catch (RuntimeException e) {
                results.addFailed(e);
            }
            // a partition whose window is full keeps filling its batch: the acknowledgement that frees a slot sends it
            if (acc != null && acc.count > 0 && acc.inFlight >= maxInFlight) {
                acc.heldByWindow = true;
            } else if (sender != null && !flushScheduled && acc != null && acc.count > 0) {
                flushScheduled = scheduleFlush = true;
            }
            closed = closedSinceLook;
            closedSinceLook = false;
        }
        if (scheduleFlush) {
            scheduleFlush();
        }
        return closed ? Added.CLOSED_A_BATCH : Added.TAKEN;
    }

    /**
     * A batch's append was answered (the results loop calls this): frees its slot in the partition's window,
     * moves the partition's acknowledged batches that are next in send order to {@code inOrder}, appends the
     * batches that waited for a slot, and sends the batch a full window held open.
     */
    synchronized void acknowledged(ProducerBatch b, Queue<ProducerBatch> inOrder) {
        PartitionBatches acc = b.acc;
        acc.inFlight--;
        b.completed = true;
        while (!acc.unacknowledged.isEmpty() && acc.unacknowledged.peek().completed) {
            inOrder.add(acc.unacknowledged.poll());
        }
        while (acc.inFlight < maxInFlight && !acc.ready.isEmpty()) {
            dispatch(acc.ready.poll());
        }
        if (acc.heldByWindow && acc.inFlight < maxInFlight && acc.count > 0 && !stopped) {
            // the batch that filled while the window was full: sent now, or when its linger is up
            if (lingerNanos == 0 || timerScheduler.now(TimeUnit.NANOSECONDS) - acc.openedAtNanos >= lingerNanos) {
                close(acc);
            } else {
                armLingerTimer(acc.openedAtNanos + lingerNanos);
            }
        }
    }

    /** Upstream is done: closes every open batch, a full window's too, and returns the records taken. */
    synchronized long closeAll() {
        closeOpen(true, true);
        return taken;
    }

    /**
     * The Sluice is closing: takes no more records (a record the upstream still gives is dropped, not taken), closes
     * every open batch at once, a full window's too (no waiting for linger), and returns the records taken. The batches
     * already closed go on being appended and acknowledged as usual.
     */
    synchronized long stopTaking() {
        notTaking = true;
        return closeAll();
    }

    /** Takes no more records, cancels the linger timer and lets go of the sender worker. */
    void stop() {
        synchronized (this) {
            stopped = true;
            if (lingerTimer != null) {
                lingerTimer.dispose();
            }
            open.clear();
            partitions.clear();
        }
        if (sender != null) {
            sender.dispose();
        }
    }

    // ---- callers hold this object's monitor ----

    private PartitionBatches addRecord(OutboundMessage<?> m) {
        SendTarget.Topic topic = topic(m.topic());
        PartitionBatches[] accs = lastPartitions;
        int n = topic.partitionCount();
        int p = m.partition();
        if (p == OutboundMessage.UNSET) {
            p = partitioner.partition(m, n);
            if (p < 0 || p >= n) {
                throw new IllegalStateException("partitioner " + partitioner + " chose partition " + p + " of topic " + topic.name()
                        + ", which has " + n + " partitions");
            }
        } else if (p >= n) {
            throw new IllegalArgumentException("message partition " + p + " does not exist: topic " + topic.name() + " has " + n + " partitions");
        }
        int size = BatchBuilder.estimateSize(m.key(), m.value(), m.headers());
        int maxBatchBytes = topic.maxBatchBytes();
        if (RecordBatch.HEADER_SIZE + (long) size > maxBatchBytes) {
            throw new RecordTooLargeException("record of " + size + " bytes (key, value and headers encoded) does not fit in a batch to topic '"
                    + topic.name() + "': a batch holds at most " + maxBatchBytes + " bytes with its " + RecordBatch.HEADER_SIZE
                    + "-byte header (" + topic.maxBatchBytesReason() + ")");
        }
        PartitionBatches acc = accs[p];
        if (acc == null) {
            acc = accs[p] = new PartitionBatches(topic, topic.partition(p), batchSize);
        }
        if (acc.count > 0 && (acc.sizeInBytes() + size > Math.min(batchSize, maxBatchBytes) || acc.count >= acc.maxRecords)) {
            close(acc);
        }
        if (acc.count == 0) {
            if (lingerNanos > 0) {
                acc.openedAtNanos = timerScheduler.now(TimeUnit.NANOSECONDS);
                armLingerTimer(acc.openedAtNanos + lingerNanos);
            }
            if (!acc.listed) {
                acc.listed = true;
                open.add(acc);
            }
        }
        acc.add(m.timestamp() == OutboundMessage.UNSET ? target.clockMillis() : m.timestamp(), m, size);
        return acc;
    }

    /**
     * The topic of a message, cached for runs of messages to one topic. A deleted topic's partitions refuse
     * appends ({@code ClosedException}), so the cache needs no per-record check.
     */
    private SendTarget.Topic topic(String name) {
        if (name == lastTopicName || name.equals(lastTopicName)) {
            return lastTopic;
        }
        SendTarget.Topic t = target.topic(name);
        lastTopicName = name;
        lastTopic = t;
        lastPartitions = partitions.computeIfAbsent(t, k -> new PartitionBatches[k.partitionCount()]);
        return t;
    }

    /** Closes an open batch and appends it, or queues it behind the partition's {@code maxInFlight} batches. */
    private void close(PartitionBatches acc) {
        closedSinceLook = true;
        ProducerBatch b = acc.close(results, producerId);
        partitioner.onBatchClosed(acc.partition.tp().topic(), acc.partition.tp().partition());
        if (acks != Acks.NONE) {
            acc.unacknowledged.add(b);
        }
        if (acc.inFlight < maxInFlight) {
            dispatch(b);
        } else {
            acc.ready.add(b);
        }
    }

    private void dispatch(ProducerBatch b) {
        b.acc.inFlight++;
        if (acks == Acks.NONE) {
            results.released(b);
        }
        try {
            if (b.batch != null) {
                b.acc.partition.append(b.batch, acks, b);
            } else {
                b.acc.partition.append(b.messages, acks, b);
            }
        } catch (RuntimeException e) {
            // a target that throws instead of answering (a bug there) fails this send rather than leaving it waiting
            b.failed(e);
        }
    }

    /**
     * Closes the open batches that are due: all of them ({@code all}), or those whose linger is up. Unless
     * {@code force}, a batch whose partition has {@code maxInFlight} batches unacknowledged stays open and keeps
     * filling (as Kafka's accumulator does): closing it would only queue it, and a fuller batch costs the same one
     * append; the acknowledgement that frees a slot closes and sends it ({@link #acknowledged}).
     */
    private void closeOpen(boolean all, boolean force) {
        if (open.isEmpty()) {
            return;
        }
        long now = lingerNanos > 0 ? timerScheduler.now(TimeUnit.NANOSECONDS) : 0;
        for (int i = open.size() - 1; i >= 0; i--) {
            PartitionBatches acc = open.get(i);
            if (acc.count == 0) {
                acc.listed = false;
                open.remove(i);
            } else if (!force && acc.inFlight >= maxInFlight) {
                acc.heldByWindow = true; // stays open and listed
            } else if (all || now - acc.openedAtNanos >= lingerNanos) {
                close(acc);
                acc.listed = false;
                open.remove(i);
            }
        }
    }

    // ---- closing open batches: linger 0 on the sender's next turn, else when their linger is up ----

    private void scheduleFlush() {
        try {
            sender.schedule(this::flush);
        } catch (RuntimeException rejected) { // the engine is closing
            flush();
        }
    }

    /**
     * With linger 0, open batches close on the sender worker's next turn: the records that arrive before it
     * gets there join their batch, so batches grow by themselves when records come faster than batches are
     * appended, and a lone record waits one thread hand-off (as with Kafka's sender thread).
     */
    private void flush() {
        boolean closed;
        SenderHandOff.open();
        try {
            synchronized (this) {
                flushScheduled = false;
                if (!stopped) {
                    closeOpen(true, false);
                }
                closed = closedSinceLook;
                closedSinceLook = false;
            }
        } finally {
            SenderHandOff.runDeferred(); // outside the monitor: consumers' code never runs under it
        }
        if (closed) {
            results.batchesClosed();
        }
    }

    private void armLingerTimer(long deadlineNanos) {
        if (lingerTimer != null) {
            return;
        }
        long delay = Math.max(0, deadlineNanos - timerScheduler.now(TimeUnit.NANOSECONDS));
        lingerTimer = timerScheduler.schedule(this::lingerExpired, delay, TimeUnit.NANOSECONDS);
    }

    private void lingerExpired() {
        boolean closed;
        synchronized (this) {
            lingerTimer = null;
            if (stopped) {
                return;
            }
            closeOpen(false, false);
            long earliest = Long.MAX_VALUE;
            for (PartitionBatches acc : open) {
                if (acc.count > 0 && acc.inFlight < maxInFlight) { // a full window's batch waits for an acknowledgement
                    earliest = Math.min(earliest, acc.openedAtNanos);
                }
            }
            if (earliest != Long.MAX_VALUE) {
                armLingerTimer(earliest + lingerNanos);
            }
            closed = closedSinceLook;
            closedSinceLook = false;
        }
        if (closed) {
            results.batchesClosed();
        }
    }
}
