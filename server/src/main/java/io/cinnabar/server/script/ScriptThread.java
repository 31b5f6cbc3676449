package io.cinnabar.server.script;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread scripts run on, with a hand-off cheap enough for short scripts: both sides spin briefly before
 * parking, so a burst of EVALSHA costs no futex wake-ups, while an idle server parks within a millisecond.
 * Only one script runs at a time; the executor waits for it (or, past busy-reply-threshold, leaves it running).
 */
final class ScriptThread {
    /** Spin iterations before parking, on both sides (tens of microseconds). */
    private static final int SPINS = 1 << 14;

    /** One hand-off: RUNNING until the script thread finishes it or the executor stops waiting. */
    static final class Task {
        static final int RUNNING = 0;
        static final int DONE = 1;
        static final int ABANDONED = 2;
        final Runnable body;
        final AtomicInteger state = new AtomicInteger(RUNNING);
        volatile Thread waiter;
        /** Called on the script thread when an abandoned task finishes. */
        volatile Runnable onFinishAfterAbandon;

        Task(Runnable body) {
            this.body = body;
        }
    }

    private final Thread thread;
    private volatile Task pending;
    private volatile boolean parked;
    private volatile boolean stopped;

    ScriptThread() {
        // luaj runs Lua calls on the Java stack: room for C Lua's 20000 nested calls
        thread = new Thread(null, this::loop, "cinnabar-script", 512L * 1024 * 1024);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!stopped) {
            Task task = awaitTask();
            if (task == null) {
                continue;
            }
            try {
                task.body.run();
            } catch (Throwable t) {
                // the body reports its own errors; nothing must kill this thread
            }
            if (!task.state.compareAndSet(Task.RUNNING, Task.DONE)) {
                Runnable after = task.onFinishAfterAbandon;
                if (after != null) {
                    after.run();
                }
            } else {
                Thread w = task.waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }

    private Task awaitTask() {
        for (int i = 0; i < SPINS; i++) {
            Task t = pending;
            if (t != null) {
                pending = null;
                return t;
            }
            Thread.onSpinWait();
        }
        parked = true;
        try {
            while (!stopped) {
                Task t = pending;
                if (t != null) {
                    pending = null;
                    return t;
                }
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
            }
            return null;
        } finally {
            parked = false;
        }
    }

    /**
     * Runs {@code task} on the script thread and waits up to {@code millis} (0: without limit).
     *
     * @return true if it finished; false if it still runs (the task is then ABANDONED by the caller, and
     *         {@link Task#onFinishAfterAbandon} runs when it ends)
     */
    boolean runWithin(Task task, long millis, Runnable onFinishAfterAbandon) {
        task.waiter = Thread.currentThread();
        task.onFinishAfterAbandon = onFinishAfterAbandon;
        pending = task;
        if (parked) {
            LockSupport.unpark(thread);
        }
        for (int i = 0; i < SPINS; i++) {
            if (task.state.get() == Task.DONE) {
                return true;
            }
            Thread.onSpinWait();
        }
        long deadline = millis > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis) : Long.MAX_VALUE;
        while (task.state.get() == Task.RUNNING) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (task.state.compareAndSet(Task.RUNNING, Task.ABANDONED)) {
                    return false;
                }
                break;
            }
            LockSupport.parkNanos(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
        return true;
    }

    /** Stops the thread and waits for it (a running script is told to stop by the engine first). */
    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
