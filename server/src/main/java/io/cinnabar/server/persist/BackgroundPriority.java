package io.cinnabar.server.persist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Lowers the scheduling priority of a thread doing background persistence work (the RDB file writer, the AOF
 * rewrite writer): on Linux its nice value becomes {@link #NICE}, best effort, with {@code renice} on the thread's
 * own id.
 *
 * <p>Why: a save without fork serializes on the executor and hands chunks to such a thread for the CRC, the write
 * and the fsync. Each wake-up of that thread at the default priority preempts the executor or the clients' side
 * on a loaded machine (measured on two cores with redis-benchmark and a back-to-back BGSAVE: at nice 0 the GET/SET
 * p50 during a save tripled, at a raised nice it barely moved). At a raised nice it runs when the executor sleeps;
 * if it falls behind, the snapshot's slices pause (its pending bytes are bounded), so the executor sleeps more and
 * the writer catches up: clients first, the save in the time left, as Redis's forked child is left to the
 * scheduler. {@link Thread#setPriority} does nothing on Linux (HotSpot ignores it without
 * -XX:ThreadPriorityPolicy=1 as root), and the JDK has no setpriority, hence the command; where it is missing or
 * refused the thread keeps its priority.
 */
final class BackgroundPriority {
    /**
     * The nice value: between the default 0 and the lowest, 19. At 10 the thread still gets about a tenth of a core
     * that nice-0 threads keep busy, so a save on a saturated machine still ends. Measured on two cores, 1M mixed
     * keys (57 MB file), with four busy loops running: a BGSAVE took 2.5 s at nice 10, 13 s at nice 19, and 67 s
     * under SCHED_IDLE, whose clients' p99 during saves on an otherwise quiet machine was only somewhat lower.
     */
    static final int NICE = 10;
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT)
            .startsWith("linux");
    /** Cleared after the first failure, so a system without renice is not asked again at every save. */
    private static volatile boolean usable = LINUX && NICE > 0;

    private BackgroundPriority() {
    }

    /** Lowers the calling thread's priority; never throws. Takes a few milliseconds (a process is started). */
    static void lowerCurrentThread() {
        if (!usable) {
            return;
        }
        try {
            // /proc/thread-self links to <pid>/task/<tid>: the kernel's id of this very thread
            String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            Process p = new ProcessBuilder("renice", "-n", Integer.toString(NICE), "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroy();
                usable = false;
            } else if (p.exitValue() != 0) {
                usable = false;
            }
        } catch (java.io.IOException | RuntimeException e) {
            usable = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
