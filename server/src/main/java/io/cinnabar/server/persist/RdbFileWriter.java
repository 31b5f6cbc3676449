package io.cinnabar.server.persist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes an RDB file off the executor: the executor hands it filled chunks in order ({@link #write}); its own
 * thread appends them to {@code temp-<pid>.rdb} in the target's directory, keeping the CRC-64 of every byte, and on
 * {@link #finish} appends the checksum (0 with rdbchecksum no), fsyncs, renames the file atomically onto the
 * target and fsyncs the directory, as rdbSave does. Any failure removes the temporary file and leaves the old
 * target untouched. The chunks waiting in the queue are the save's extra memory ({@link #pendingBytes}).
 *
 * <p>Thread-safe where it says so: {@link #write}, {@link #finish} and {@link #abort} come from one thread (the
 * executor), the result from any.
 */
public final class RdbFileWriter implements RdbSnapshotWriter.ChunkSink {
    /** What a save ended with: null error when the file is in place. */
    public record Result(Path file, String error, long bytes) {
        public boolean ok() {
            return error == null;
        }
    }

    /** {@code len} bytes of {@code data}. */
    private record Chunk(byte[] data, int len) {
    }

    private static final Chunk FINISH = new Chunk(new byte[0], 0);
    private static final Chunk ABORT = new Chunk(new byte[0], 0);
    /**
     * Written chunk arrays kept for the executor to fill again (see {@link #spare}): what a background save may have
     * queued before its slices pause (RdbPersistence's 16 chunks), and one filled meanwhile.
     */
    private static final int SPARES = 17;

    private final Path target;
    private final Path temp;
    private final boolean checksum;
    private final boolean background;
    private final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> spares = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicLong pending = new AtomicLong();
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final Thread thread;
    private volatile long peak;
    private volatile boolean aborted;

    /** As {@link #RdbFileWriter(Path, boolean, boolean)} in the foreground (SAVE). */
    public RdbFileWriter(Path target, boolean checksum) {
        this(target, checksum, false);
    }

    /**
     * Starts the writer thread; the temporary file is created at once (a failure shows in the result).
     *
     * @param target {@code dir/dbfilename}
     * @param background a BGSAVE's writer, whose thread runs at a lower priority ({@link BackgroundPriority}); a
     *     SAVE's keeps the default, since the executor waits for it
     */
    public RdbFileWriter(Path target, boolean checksum, boolean background) {
        this.target = target.toAbsolutePath();
        this.temp = claimTemp(this.target.getParent());
        this.checksum = checksum;
        this.background = background;
        this.thread = new Thread(this::run, "cinnabar-rdb-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Temporary files being written in this JVM: two writers never share one. */
    private static final java.util.Set<Path> TEMPS = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final AtomicLong SEQ = new AtomicLong();

    /**
     * {@code temp-<pid>.rdb}, as Redis's rdbSave names it; when that one is in use (a background save still writing
     * while a synchronous one starts, as Redis's child writes {@code temp-<childpid>.rdb}, or another server of this
     * JVM saving into the same directory) {@code temp-<pid>-<n>.rdb}.
     */
    private static Path claimTemp(Path dir) {
        long pid = ProcessHandle.current().pid();
        Path p = dir.resolve("temp-" + pid + ".rdb");
        while (!TEMPS.add(p)) {
            p = dir.resolve("temp-" + pid + "-" + SEQ.incrementAndGet() + ".rdb");
        }
        return p;
    }

    /** The temporary file's name, as Redis's log names it. */
    public Path temp() {
        return temp;
    }

    /** Queues {@code len} bytes of {@code chunk}, which the caller must not change afterwards. */
    public void write(byte[] chunk, int len) {
        long now = pending.addAndGet(len);
        if (now > peak) {
            peak = now;
        }
        queue.add(new Chunk(chunk, len));
    }

    @Override
    public void chunk(byte[] data, int len) {
        write(data, len);
    }

    /** An array this writer has written out, for the next chunk, or null. */
    @Override
    public byte[] spare() {
        return spares.poll();
    }

    /** Every chunk was queued (the last one ends with the EOF opcode): checksum, fsync, rename. */
    public void finish() {
        queue.add(FINISH);
    }

    /** Gives up: the temporary file is removed, the target stays as it was. */
    public void abort() {
        aborted = true; // also stops a finish already queued, unless its rename is done
        queue.add(ABORT);
    }

    /** Bytes queued and not written yet. */
    public long pendingBytes() {
        return pending.get();
    }

    /** The most bytes ever queued at once. */
    public long peakBytes() {
        return peak;
    }

    public CompletableFuture<Result> result() {
        return result;
    }

    /** Waits for the result (SAVE, which blocks the executor as Redis's does). */
    public Result await() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    return new Result(target, String.valueOf(e.getCause()), 0);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        if (background) {
            BackgroundPriority.lowerCurrentThread();
        }
        String error = null;
        long crc = 0;
        long written = 0;
        FileChannel ch = null;
        try {
            ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | RuntimeException e) {
            error = "Failed opening the temp RDB file " + temp.getFileName() + " (in server root dir "
                    + temp.getParent() + ") for saving: " + reason(e);
        }
        while (true) {
            Chunk chunk;
            try {
                chunk = queue.take();
            } catch (InterruptedException e) {
                error = error == null ? "interrupted" : error;
                break;
            }
            if (chunk == ABORT || aborted) {
                error = error == null ? "aborted" : error;
                break;
            }
            if (chunk == FINISH) {
                if (error == null) {
                    error = complete(ch, checksum ? crc : 0);
                    written += 8;
                }
                break;
            }
            pending.addAndGet(-chunk.len);
            if (error != null) {
                continue; // drop what still comes until FINISH or ABORT
            }
            crc = Crc64.update(crc, chunk.data, 0, chunk.len);
            try {
                writeFully(ch, ByteBuffer.wrap(chunk.data, 0, chunk.len));
                written += chunk.len;
            } catch (IOException | RuntimeException e) {
                error = "Write error saving DB on disk: " + reason(e);
            }
            if (chunk.data.length == RdbSnapshotWriter.SPARE_SIZE && spares.size() < SPARES) {
                spares.offer(chunk.data);
            }
        }
        pending.set(0);
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                error = error == null ? "Write error saving DB on disk(fclose): " + reason(e) : error;
            }
        }
        if (error != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // nothing more to do: the target is untouched either way
            }
        }
        TEMPS.remove(temp);
        result.complete(new Result(target, error, written));
    }

    /** The checksum, fsync, rename and directory fsync; returns an error text or null. */
    private String complete(FileChannel ch, long crc) {
        try {
            ByteBuffer tail = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, crc);
            writeFully(ch, tail);
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            return "Write error saving DB on disk(fsync): " + reason(e);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            return "Error moving temp DB file " + temp.getFileName() + " on the final destination " + target.getFileName()
                    + " (in server root dir " + target.getParent() + "): " + reason(e);
        }
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | RuntimeException ignored) {
            // some file systems cannot fsync a directory; the rename itself is done
        }
        return null;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    static String reason(Throwable e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
