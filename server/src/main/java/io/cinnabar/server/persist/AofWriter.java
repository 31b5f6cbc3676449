package io.cinnabar.server.persist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The AOF's own thread: it writes the buffers the executor hands over to the open incr file and fsyncs as
 * appendfsync says, so neither write(2) nor fsync(2) ever runs on the event loop. The executor only enqueues.
 *
 * <ul>
 * <li>{@code always}: every batch the thread finds queued is written with one gathering write and fsynced once
 * (group commit: the batches of all clients that arrived during the previous fsync share the next one); then
 * {@link #durable} moves past them and the executor is told, so it releases the replies it held.</li>
 * <li>{@code everysec}: written as they come, fsynced about once a second by a second thread (Redis's bio job);
 * while that fsync runs, writes are postponed for up to two seconds, then written anyway and counted in
 * aof_delayed_fsync, as flushAppendOnlyFile does.</li>
 * <li>{@code no}: written, never fsynced.</li>
 * </ul>
 * The queue holds byte chunks, file switches (a rewrite opened a new incr file) and tasks, done in order.
 * Thread-safe where it says so: {@link #offer} from the executor, the volatile figures from anyone.
 */
final class AofWriter {
    static final int FSYNC_NO = 0;
    static final int FSYNC_ALWAYS = 1;
    static final int FSYNC_EVERYSEC = 2;

    /** Bytes fed by the executor up to {@code end} (its running count after this chunk). */
    record Chunk(byte[] data, int length, long end) {
    }

    /** From now on writes go to {@code next}; the old file is fsynced (unless policy no) and closed. */
    record Switch(FileChannel next) {
    }

    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final Thread fsyncThread;
    private final ConcurrentLinkedQueue<FileChannel[]> fsyncJobs = new ConcurrentLinkedQueue<>();
    private final Runnable durableListener;
    private final Consumer<String> log;
    private volatile boolean sleeping;
    /** Sleeping for long (no chunk for a second): the next chunk wakes it. */
    private volatile boolean deepSleep;
    private long lastChunkNanos;
    private volatile boolean fsyncSleeping;
    private volatile boolean stopping;
    /** The AOF is being turned off or closed: a write or fsync failing again is given up instead of retried. */
    private volatile boolean abandon;
    private FileChannel channel;

    /** appendfsync, set by the executor (CONFIG SET takes effect on the next batch). */
    volatile int policy;
    /** Bytes fed (the executor's count) that are on disk as the policy promises: fsynced under always. */
    volatile long durable;
    /** Bytes written to files since the writer started. */
    volatile long written;
    /** An everysec fsync is queued or running (aof_pending_bio_fsync). */
    volatile int fsyncPending;
    /** aof_delayed_fsync. */
    volatile long delayedFsync;
    /** The last write failed and none has succeeded since (aof_last_write_status): strerror's text. */
    volatile String writeError;
    /** The last fsync failed and none has succeeded since (aof_bio_fsync_status): strerror's text. */
    volatile String fsyncError;
    /** The executor has replies waiting for {@link #durable}: tell it each time durable moves. */
    volatile boolean wantDurable;

    private long lastFsyncSecond;
    private long postponedSince;
    /** Offset of the current file where the last good write ended, for truncating a partial write. */
    private long fileSize;
    private long unsyncedFrom = -1;

    AofWriter(FileChannel channel, int policy, Runnable durableListener, Consumer<String> log, long fedSoFar) {
        this.channel = channel;
        this.policy = policy;
        this.durableListener = durableListener;
        this.log = log;
        this.durable = fedSoFar;
        this.lastFsyncSecond = System.currentTimeMillis() / 1000;
        try {
            this.fileSize = channel.size();
        } catch (IOException e) {
            this.fileSize = 0;
        }
        this.thread = new Thread(this::run, "cinnabar-aof");
        this.thread.setDaemon(true);
        this.fsyncThread = new Thread(this::runFsync, "cinnabar-aof-fsync");
        this.fsyncThread.setDaemon(true);
        this.thread.start();
        this.fsyncThread.start();
    }

    /** Executor: hands over a chunk, a switch or a task (a Runnable run on this thread in order). */
    void offer(Object item) {
        queue.offer(item);
        // under everysec and no the thread polls each millisecond while writes come in (no wake-up per batch: on
        // a small machine the context switches cost more than the writes); always wants its fsync at once
        if (deepSleep || (sleeping && (policy == FSYNC_ALWAYS || !(item instanceof Chunk)))) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Executor: writes and fsyncs everything queued so far and waits for it (stopAppendOnly, DEBUG LOADAOF, the
     * rewrite's start under always: Redis's flushAppendOnlyFile(1) plus fsync).
     */
    void drainAndSync() {
        if (!abandon && (writeError != null || fsyncError != null)) {
            return; // the disk fails: what is queued stays queued and is tried again (flushAppendOnlyFile(1) fails)
        }
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        offer((Runnable) () -> {
            try {
                channel.force(false);
            } catch (IOException e) {
                log.accept("Fail to fsync the AOF file: " + e.getMessage());
            }
            done.countDown();
        });
        awaitUninterruptibly(done);
    }

    /** Executor: writes and fsyncs what is queued, closes the file and ends the threads. */
    void stop() {
        abandon = true; // a failing disk does not keep the executor waiting: what cannot be written is dropped
        LockSupport.unpark(thread);
        drainAndSync();
        stopping = true;
        LockSupport.unpark(thread);
        LockSupport.unpark(fsyncThread);
        joinUninterruptibly(thread);
        joinUninterruptibly(fsyncThread);
        try {
            channel.close();
        } catch (IOException e) {
            // closing after a successful fsync
        }
    }

    private static void awaitUninterruptibly(java.util.concurrent.CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the AOF thread ----

    private void run() {
        List<Chunk> batch = new ArrayList<>();
        while (true) {
            Object item = queue.peek();
            if (item == null) {
                if (stopping) {
                    return;
                }
                idle();
                continue;
            }
            if (item instanceof Chunk) {
                batch.clear();
                long bytes = 0;
                Object next;
                while ((next = queue.peek()) instanceof Chunk c && (batch.isEmpty() || bytes < (8 << 20))) {
                    queue.poll();
                    batch.add(c);
                    bytes += c.length;
                }
                lastChunkNanos = System.nanoTime();
                writeBatch(batch, bytes);
            } else if (item instanceof Switch s) {
                queue.poll();
                switchTo(s.next);
            } else if (item instanceof Runnable r) {
                queue.poll();
                r.run();
            } else {
                queue.poll();
            }
        }
    }

    /** Nothing queued: under everysec, fsync data written more than a second ago; then sleep until offered. */
    private void idle() {
        if (policy == FSYNC_EVERYSEC && unsyncedFrom >= 0) {
            long now = System.currentTimeMillis() / 1000;
            if (now > lastFsyncSecond && fsyncPending == 0) {
                startBackgroundFsync(now);
            }
        } else if (policy == FSYNC_ALWAYS && unsyncedFrom >= 0) {
            // switched from everysec to always with written but unsynced data (flushAppendOnlyFile's try_fsync)
            fsyncUntilDone();
        }
        boolean busy = policy != FSYNC_ALWAYS && System.nanoTime() - lastChunkNanos < 1_000_000_000L;
        sleeping = true;
        deepSleep = !busy;
        if (queue.isEmpty() && !stopping) {
            LockSupport.parkNanos(this, busy ? 1_000_000L : unsyncedFrom >= 0 ? 100_000_000L : 1_000_000_000L);
        }
        deepSleep = false;
        sleeping = false;
    }

    private void writeBatch(List<Chunk> batch, long bytes) {
        int policyNow = policy;
        if (policyNow == FSYNC_EVERYSEC && fsyncPending != 0) {
            long now = System.currentTimeMillis();
            if (postponedSince == 0) {
                postponedSince = now;
            }
            while (fsyncPending != 0 && now - postponedSince < 2000 && !stopping) {
                LockSupport.parkNanos(this, 1_000_000L);
                now = System.currentTimeMillis();
            }
            if (fsyncPending != 0) {
                delayedFsync++;
                log.accept("Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer "
                        + "without waiting for fsync to complete, this may slow down Redis.");
            }
        }
        postponedSince = 0;
        ByteBuffer[] buffers = new ByteBuffer[batch.size()];
        for (int i = 0; i < buffers.length; i++) {
            Chunk c = batch.get(i);
            buffers[i] = ByteBuffer.wrap(c.data, 0, c.length);
        }
        long end = batch.get(batch.size() - 1).end;
        while (true) {
            long left = bytes;
            try {
                while (left > 0) {
                    left -= channel.write(buffers);
                }
                fileSize += bytes;
                written += bytes;
                if (unsyncedFrom < 0) {
                    unsyncedFrom = fileSize - bytes;
                }
                if (writeError != null) {
                    log.accept("AOF write error looks solved, Redis can write again.");
                    writeError = null;
                }
                break;
            } catch (IOException e) {
                // a short write is reported as ENOSPC, as flushAppendOnlyFile does
                String why = left < bytes ? "No space left on device" : reason(e);
                if (writeError == null) {
                    log.accept((left < bytes ? "Short write while writing to the AOF file: " : "Error writing to the "
                            + "AOF file: ") + why);
                    if (policyNow == FSYNC_ALWAYS) {
                        // Redis exits here ("Can't recover from AOF write error when the AOF fsync policy is
                        // 'always'"); an embedded server must not end its JVM: writes are refused with MISCONF and
                        // the replies of what was fed wait until the write succeeds on a later try
                        log.accept("AOF write error under appendfsync always: writes are refused (MISCONF) and "
                                + "replies waiting for the AOF stay held until it can be written again");
                    }
                }
                writeError = why;
                try {
                    channel.truncate(fileSize); // no partial command stays in the file
                    channel.position(fileSize);
                } catch (IOException ignored) {
                    // the next load may see a truncated tail
                }
                for (ByteBuffer b : buffers) {
                    b.rewind();
                }
                LockSupport.parkNanos(this, 1_000_000_000L); // tried again each second, as serverCron
                if (stopping || abandon) {
                    return;
                }
            }
        }
        if (policyNow == FSYNC_ALWAYS) {
            fsyncUntilDone();
            if (unsyncedFrom >= 0) {
                return; // given up (stopping): durable does not move
            }
        }
        durable = end;
        if (policyNow == FSYNC_EVERYSEC) {
            long now = System.currentTimeMillis() / 1000;
            if (now > lastFsyncSecond) {
                if (fsyncPending == 0) {
                    startBackgroundFsync(now);
                }
                lastFsyncSecond = now;
            }
        }
        if (wantDurable) {
            durableListener.run();
        }
    }

    /**
     * fsync under always, tried again each second until it succeeds: Redis exits on this error ("Can't persist AOF
     * for fsync error when the AOF fsync policy is 'always'"); here writes are refused with MISCONF meanwhile and
     * the replies waiting for these bytes stay held. A later successful fsync may not cover pages the kernel
     * already dropped after the failure (Linux marks them clean), which is why Redis gives up; the log says so.
     */
    private void fsyncUntilDone() {
        while (true) {
            try {
                channel.force(false);
                unsyncedFrom = -1;
                if (fsyncError != null) {
                    log.accept("AOF fsync error looks solved (data written before the error may not be on disk), "
                            + "Redis can write again.");
                    fsyncError = null;
                }
                return;
            } catch (IOException e) {
                if (fsyncError == null) {
                    log.accept("Can't persist AOF for fsync error when the AOF fsync policy is 'always': "
                            + reason(e) + ". Writes are refused (MISCONF) until an fsync succeeds.");
                }
                fsyncError = reason(e);
                LockSupport.parkNanos(this, 1_000_000_000L);
                if (stopping || abandon) {
                    return;
                }
            }
        }
    }

    /** strerror's text: Java's message for a failed write or fsync is it. */
    static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void startBackgroundFsync(long nowSecond) {
        fsyncPending = 1;
        unsyncedFrom = -1;
        lastFsyncSecond = nowSecond;
        fsyncJobs.offer(new FileChannel[] {channel, null});
        if (fsyncSleeping) {
            LockSupport.unpark(fsyncThread);
        }
    }

    private void switchTo(FileChannel next) {
        FileChannel old = channel;
        channel = next;
        try {
            fileSize = next.size();
        } catch (IOException e) {
            fileSize = 0;
        }
        if (policy == FSYNC_NO) {
            closeQuietly(old);
            unsyncedFrom = -1;
            return;
        }
        // aof_background_fsync_and_close: the old file is fsynced and closed on the fsync thread, in order
        unsyncedFrom = -1;
        fsyncJobs.offer(new FileChannel[] {old, old});
        if (fsyncSleeping) {
            LockSupport.unpark(fsyncThread);
        }
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    // ---- the fsync thread (everysec, and closing replaced files) ----

    private void runFsync() {
        while (true) {
            FileChannel[] job = fsyncJobs.poll();
            if (job == null) {
                if (stopping && queue.isEmpty()) {
                    return;
                }
                fsyncSleeping = true;
                if (fsyncJobs.isEmpty() && !stopping) {
                    LockSupport.parkNanos(this, 1_000_000_000L);
                }
                fsyncSleeping = false;
                continue;
            }
            try {
                if (job[0].isOpen()) {
                    job[0].force(false);
                    if (job[1] == null && fsyncError != null) {
                        fsyncError = null; // aof_bio_fsync_status back to ok
                        log.accept("AOF fsync error looks solved, Redis can write again.");
                    }
                }
            } catch (IOException e) {
                fsyncError = reason(e);
                log.accept("Fail to fsync the AOF file: " + reason(e));
            }
            if (job[1] != null) {
                closeQuietly(job[1]);
            }
            if (job[1] == null) {
                fsyncPending = 0;
                if (sleeping) {
                    LockSupport.unpark(thread);
                }
            }
        }
    }
}
