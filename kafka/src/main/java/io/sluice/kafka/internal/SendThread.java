package io.sluice.kafka.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread of a {@code KafkaSluice} that calls {@code KafkaProducer.send}. That call may block: on the
 * first send to a topic it waits for the topic's metadata, and it waits for room when the producer's
 * {@code buffer.memory} is full (up to {@code max.block.ms}). It is also where Sluice's producers close their batches
 * (their sender scheduler, {@code SendTarget.senderScheduler}, runs here): a batch closed on this thread is sent by it
 * next, with no hand-off between threads; and where Kafka's answers come back ({@code KafkaTarget}), so that the user's
 * code downstream of a send, and the upstream it requests more records from, run here too. Batches of one partition
 * are sent in the order they were handed over. Handing over never blocks (a lock-free queue, and an unpark when the
 * thread waits). The thread is marked non-blocking: Reactor refuses a {@code block()} in the user's code here, and
 * BlockHound allows only Kafka's own waits in {@code send} and this thread's wait for work ({@code KafkaBlockHound}).
 */
public final class SendThread implements Runnable, Executor {
    private final Queue<Runnable> jobs = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean waiting;
    private volatile boolean closed;

    public SendThread(String name) {
        this.thread = new Sending(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Runs {@code job} on the send thread after the jobs handed over before it.
     *
     * @throws RejectedExecutionException once closed
     */
    @Override
    public void execute(Runnable job) {
        if (closed) {
            throw new RejectedExecutionException(thread.getName() + " is closed");
        }
        jobs.offer(job);
        if (waiting) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void run() {
        while (!closed) {
            Runnable job = jobs.poll();
            if (job == null) {
                awaitJobs();
                continue;
            }
            try {
                job.run();
            } catch (RuntimeException | Error e) {
                reactor.util.Loggers.getLogger(SendThread.class).error("A send job failed on " + thread.getName(), e);
            }
        }
        Runnable job;
        while ((job = jobs.poll()) != null) { // what was handed over before close still runs: its sends fail and say so
            job.run();
        }
    }

    /** Parks until a job is handed over: the one wait of this thread besides Kafka's own in {@code send}. */
    private void awaitJobs() {
        waiting = true;
        if (jobs.isEmpty() && !closed) {
            LockSupport.park(this);
        }
        waiting = false;
    }

    /** Runs what was handed over, then ends the thread. */
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }

    /**
     * Marked non-blocking ({@link reactor.core.scheduler.NonBlocking}), as Reactor's own threads are: the user's code
     * downstream of a send runs here (its results), and Reactor refuses a {@code block()} in it.
     */
    private static final class Sending extends Thread implements reactor.core.scheduler.NonBlocking {
        Sending(Runnable body, String name) {
            super(body, name);
        }
    }
}
