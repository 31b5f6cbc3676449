package io.cinnabar.server.persist;

import io.cinnabar.server.db.Propagator;
import io.cinnabar.server.exec.Config;
import io.cinnabar.server.exec.Engine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Redis 7.0's multi-part append-only file, as aof.c (BSD-3-Clause, see NOTICE) does it, on the executor:
 * propagated commands are appended to a buffer in the AOF's RESP form (SELECT when the database changes,
 * {@code #TS:} annotations when aof-timestamp-enabled); at the end of each event-loop batch the buffer goes to
 * {@link AofWriter}'s thread, which writes and fsyncs. Under {@code appendfsync always} the replies of clients are
 * held until the bytes they may have seen are fsynced ({@link #mustHold}, {@link #await}), so a write is
 * acknowledged only once durable, while the executor goes on.
 *
 * <p>Files: the manifest, a base and incr files in appenddirname, named and ordered as Redis; loading at startup
 * (with the migration of a legacy single file), the rewrite (BGREWRITEAOF, automatic, CONFIG SET appendonly yes)
 * which opens a new incr file, writes a new base from a snapshot of the keyspace on a thread of its own, then
 * writes the new manifest and deletes the history files. Not thread-safe: the executor owns it; the writer and
 * the rewrite thread only hand results back through executor tasks.
 */
public final class Aof implements Propagator {
    static final int OFF = 0;
    static final int ON = 1;
    static final int WAIT_REWRITE = 2;

    /** A connection holding replies until the AOF has fsynced what they may reflect. */
    public interface ReplyHolder {
        /** Durability moved: send the replies it allows (called on the executor). */
        void releaseHeld();
    }

    private record Waiter(ReplyHolder holder, long target) {
    }

    private final Engine engine;
    private final Config config;
    private int state = OFF;
    private AofManifest manifest = new AofManifest();
    private final AofBuffer buffer = new AofBuffer(16 * 1024);
    /** Bytes ever fed to the buffer: the offsets durability is measured in. */
    private long fed;
    private int selectedDb = -1;
    private long currentTimestamp;
    private AofWriter writer;
    private boolean handoffScheduled;
    private final Runnable handoffTask = this::handoff;
    /** Loading replays commands: nothing is fed meanwhile (Redis sets aof_state off while it loads). */
    private boolean loading;

    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final AtomicBoolean releaseScheduled = new AtomicBoolean();
    private final Runnable releaseTask = () -> {
        releaseScheduled.set(false);
        release();
    };
    /** Called by the AOF thread when durability moved and replies wait: the executor releases them. */
    private final Runnable durableListener = this::durableMoved;

    private void durableMoved() {
        if (releaseScheduled.compareAndSet(false, true)) {
            io.netty.util.concurrent.EventExecutor ex = engine.executor();
            if (ex != null) {
                ex.execute(releaseTask);
            } else {
                releaseScheduled.set(false);
            }
        }
    }

    // rewrite state and the INFO figures
    private Rewrite rewrite;
    private boolean rewriteScheduled;
    private long rewriteTimeStart = -1;
    private long rewriteTimeLast = -1;
    private boolean lastBgrewriteOk = true;
    private long rewrites;
    private long consecutiveFailures;
    private long currentSize;
    private long rewriteBaseSize;
    private long lastCowSize;
    private long lastIncrSize;
    private int nextDelayMinutes;
    private long nextRewriteTime;

    public Aof(Engine engine) {
        this.engine = engine;
        this.config = engine.config();
        ConfigHooks.install(this, config);
    }

    /** Wires CONFIG SET appendonly and appendfsync to the running AOF (updateAppendonly). */
    private static final class ConfigHooks {
        static void install(Aof aof, Config config) {
            config.find("appendonly").onApply(() -> {
                if (!config.appendonly() && aof.state != OFF) {
                    aof.stop();
                } else if (config.appendonly() && aof.state == OFF) {
                    if (!aof.start()) {
                        return "Unable to turn on AOF. Check server logs.";
                    }
                }
                return null;
            });
            config.find("appendfsync").onApply(() -> {
                if (aof.writer != null) {
                    aof.writer.policy = policy(config);
                    aof.release(); // from always to everysec: nothing is held any longer
                }
                return null;
            });
            config.find("aof-disable-auto-gc").onApply(() -> {
                if (!config.aofDisableAutoGc()) {
                    aof.deleteHistoryFiles();
                }
                return null;
            });
        }
    }

    private static int policy(Config config) {
        return switch (config.appendfsync()) {
            case 1 -> AofWriter.FSYNC_ALWAYS;
            case 2 -> AofWriter.FSYNC_NO;
            default -> AofWriter.FSYNC_EVERYSEC;
        };
    }

    private Path dir() {
        return Path.of(config.dir()).resolve(config.appenddirname());
    }

    private String filename() {
        return config.appendfilename();
    }

    private void notice(String s) {
        engine.log().notice(s);
    }

    private void warning(String s) {
        engine.log().warning(s);
    }

    public boolean enabled() {
        return state != OFF;
    }

    public AofManifest manifest() {
        return manifest;
    }

    // ---- feeding (the propagation tap) ----

    @Override
    public boolean active() {
        return !loading && (state == ON || (state == WAIT_REWRITE && rewrite != null));
    }

    /** feedAppendOnlyFile. */
    @Override
    public void feed(int db, byte[][] argv, int argc) {
        int before = buffer.length();
        if (config.aofTimestampEnabled()) {
            long now = engine.clock().millis() / 1000;
            if (currentTimestamp < now) {
                currentTimestamp = now;
                buffer.ascii("#TS:" + now + "\r\n");
            }
        }
        if (db != selectedDb) {
            buffer.ascii("*2\r\n$6\r\nSELECT\r\n$");
            buffer.decimal(io.cinnabar.protocol.bytes.Numbers.digits(db));
            buffer.ascii("\r\n");
            buffer.decimal(db);
            buffer.ascii("\r\n");
            selectedDb = db;
        }
        buffer.command(argv, argc);
        fed += buffer.length() - before;
        if (!handoffScheduled) {
            handoffScheduled = true;
            io.netty.util.concurrent.EventExecutor ex = engine.executor();
            if (ex == null || !ex.inEventLoop()) {
                handoff(); // no event loop to wait for (startup, or a script's thread: its end comes first)
            } else {
                // runs after the I/O of this event-loop round: every client's writes of the round go together
                ex.execute(handoffTask);
            }
        }
    }

    /** The end of the event-loop batch: the buffer goes to the AOF thread (flushAppendOnlyFile's write part). */
    private void handoff() {
        handoffScheduled = false;
        if (buffer.isEmpty() || writer == null) {
            return;
        }
        int n = buffer.length();
        currentSize += n;
        lastIncrSize += n;
        // the next array sized for a batch like this one: the garbage stays proportional to what is written
        writer.offer(new AofWriter.Chunk(buffer.takeArray(Math.max(4096, Math.min(Integer.highestOneBit(n) << 1,
                1 << 20))), n, fed));
    }

    // ---- holding replies under appendfsync always ----

    /** True when replies written now must wait: appendfsync always and fed bytes not yet fsynced. */
    public boolean mustHold() {
        AofWriter w = writer;
        return w != null && w.policy == AofWriter.FSYNC_ALWAYS && fed > w.durable;
    }

    /** Everything fed so far: a reply written now waits until {@link #durable()} reaches it. */
    public long fed() {
        return fed;
    }

    public long durable() {
        AofWriter w = writer;
        return w == null || w.policy != AofWriter.FSYNC_ALWAYS ? fed : w.durable;
    }

    /** {@code holder} has replies waiting for {@code target}; it is called back once durable reaches it. */
    public void await(ReplyHolder holder, long target) {
        waiters.add(new Waiter(holder, target));
        AofWriter w = writer;
        if (w != null) {
            w.wantDurable = true;
        }
        if (durable() >= target) {
            durableListener.run();
        }
    }

    private void release() {
        long durable = durable();
        Waiter head;
        while ((head = waiters.peek()) != null && head.target <= durable) {
            waiters.poll();
            head.holder.releaseHeld();
        }
        AofWriter w = writer;
        if (w != null) {
            w.wantDurable = !waiters.isEmpty();
            if (!waiters.isEmpty() && durable() >= waiters.peek().target) {
                durableListener.run();
            }
        }
    }

    // ---- startup ----

    /**
     * Startup (aofLoadManifestFromDisk, loadDataFromDisk's AOF part, aofOpenIfNeededOnServerStart,
     * aofDelHistoryFiles). Returns true if the data came from the AOF (appendonly yes), so the RDB is not loaded.
     *
     * @throws IllegalStateException with the reason when Redis would refuse to start
     */
    public boolean loadAtStartup() {
        loadManifestFromDisk();
        if (!config.appendonly()) {
            return false;
        }
        state = ON;
        long start = System.nanoTime();
        int ret = loadFiles();
        if (ret == AofLoader.FAILED || ret == AofLoader.OPEN_ERR) {
            throw new IllegalStateException(lastFailure);
        }
        if (ret != AofLoader.NOT_EXIST) {
            notice(String.format("DB loaded from append only file: %.3f seconds", (System.nanoTime() - start) / 1e9));
        }
        openOnServerStart();
        deleteHistoryFiles();
        return true;
    }

    private String lastFailure;

    private void loadManifestFromDisk() {
        manifest = new AofManifest();
        Path dir = dir();
        Path file = dir.resolve(AofManifest.manifestName(filename()));
        if (!Files.isDirectory(dir) || !Files.exists(file)) {
            return;
        }
        try {
            manifest = AofManifest.parse(Files.readAllBytes(file));
        } catch (AofManifest.Invalid e) {
            warning("\n*** FATAL AOF MANIFEST FILE ERROR ***\n");
            if (e.line != null) {
                warning("Reading the manifest file, at line " + e.lineNumber + "\n");
                warning(">>> '" + e.line + "'\n");
            }
            warning(e.reason + "\n");
            throw new IllegalStateException("Bad AOF manifest " + file + ": " + e.getMessage());
        } catch (IOException e) {
            warning("Fatal error: can't open the AOF manifest file " + file + " for reading: " + e.getMessage());
            throw new IllegalStateException("can't open the AOF manifest file " + file + " for reading: "
                    + e.getMessage());
        }
    }

    /** loadAppendOnlyFiles: the legacy-file upgrade, then the base and every incr file in order. */
    private int loadFiles() {
        Path legacy = Path.of(config.dir()).resolve(filename());
        if (Files.exists(legacy)) {
            AofManifest.Info base = manifest.base;
            if (!Files.isDirectory(dir()) || manifest.isEmpty()
                    || (base != null && manifest.incr.isEmpty() && base.name.equals(filename())
                    && !Files.exists(dir().resolve(filename())))) {
                upgradePrepare(legacy);
            }
        }
        if (manifest.isEmpty()) {
            return AofLoader.NOT_EXIST;
        }
        List<AofManifest.Info> files = new ArrayList<>();
        if (manifest.base != null) {
            files.add(manifest.base);
        }
        files.addAll(manifest.incr);
        long total = 0;
        for (AofManifest.Info ai : files) {
            Path p = dir().resolve(ai.name);
            try {
                total += Files.size(p);
            } catch (IOException e) {
                warning("Unable to obtain the AOF file " + ai.name + " length. stat: " + e.getMessage());
                lastFailure = "the AOF file " + ai.name + " listed in the manifest cannot be read: "
                        + (e instanceof java.nio.file.NoSuchFileException ? "No such file or directory"
                        : e.getMessage());
                return AofLoader.FAILED;
            }
        }
        if (total == 0) {
            return AofLoader.EMPTY;
        }
        AofLoader loader = new AofLoader(engine, dir(), config.aofLoadTruncated());
        loading = true;
        int ret = AofLoader.OK;
        long baseSize = 0;
        try {
            for (int i = 0; i < files.size(); i++) {
                AofManifest.Info ai = files.get(i);
                boolean last = i == files.size() - 1;
                boolean isBase = ai == manifest.base;
                if (isBase) {
                    baseSize = sizeOf(ai.name);
                }
                long start = System.nanoTime();
                ret = loader.load(ai.name);
                if (ret == AofLoader.OK || (ret == AofLoader.TRUNCATED && last)) {
                    notice(String.format("DB loaded from %s file %s: %.3f seconds", isBase ? "base" : "incr", ai.name,
                            (System.nanoTime() - start) / 1e9));
                }
                if (ret == AofLoader.EMPTY && !isBase) {
                    ret = AofLoader.OK;
                }
                if (ret == AofLoader.TRUNCATED && !last) {
                    ret = AofLoader.FAILED;
                    warning("Fatal error: the truncated file is not the last file");
                    loader.failure = "the AOF file " + ai.name + " is truncated and is not the last file";
                }
                if (ret == AofLoader.NOT_EXIST) {
                    ret = AofLoader.FAILED;
                    loader.failure = "the AOF file " + ai.name + " listed in the manifest does not exist";
                }
                if (ret == AofLoader.OPEN_ERR || ret == AofLoader.FAILED) {
                    lastFailure = loader.failure;
                    return ret;
                }
            }
        } catch (IOException e) {
            warning("Unrecoverable error reading the append only file: " + e.getMessage());
            lastFailure = "unrecoverable error reading the append only file: " + e.getMessage();
            return AofLoader.FAILED;
        } finally {
            loading = false;
        }
        currentSize = total;
        rewriteBaseSize = baseSize;
        return ret;
    }

    private long sizeOf(String name) {
        try {
            return Files.size(dir().resolve(name));
        } catch (IOException e) {
            return 0;
        }
    }

    /** aofUpgradePrepare: the old single file becomes the base of a new manifest, moved into the directory. */
    private void upgradePrepare(Path legacy) {
        try {
            Files.createDirectories(dir());
            manifest = new AofManifest();
            manifest.upgradeFrom(filename());
            persistManifest(manifest);
            Files.move(legacy, dir().resolve(filename()), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            warning("Error trying to move the old AOF file " + filename() + " into dir " + config.appenddirname()
                    + ": " + e.getMessage());
            throw new IllegalStateException("could not migrate the old AOF file " + legacy + ": " + e.getMessage());
        }
        notice("Successfully migrated an old-style AOF file (" + filename() + ") into the AOF directory ("
                + config.appenddirname() + ").");
    }

    /** aofOpenIfNeededOnServerStart. */
    private void openOnServerStart() {
        try {
            Files.createDirectories(dir());
        } catch (IOException e) {
            warning("Can't open or create append-only dir " + config.appenddirname() + ": " + e.getMessage());
            throw new IllegalStateException("Can't open or create append-only dir " + dir() + ": " + e.getMessage());
        }
        boolean hadIncr = !manifest.incr.isEmpty();
        if (manifest.base == null && !hadIncr) {
            String base = manifest.newBase(filename(), baseIsRdb());
            try {
                rewriteNow(dir().resolve(base));
            } catch (IOException e) {
                throw new IllegalStateException("Can't create the AOF base file " + base + ": " + e.getMessage());
            }
            notice("Creating AOF base file " + base + " on server start");
        }
        String incr = manifest.lastIncr(filename());
        FileChannel ch;
        try {
            ch = FileChannel.open(dir().resolve(incr), StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                    StandardOpenOption.CREATE);
            persistManifest(manifest);
        } catch (IOException e) {
            warning("Can't open the append-only file " + incr + ": " + e.getMessage());
            throw new IllegalStateException("Can't open the append-only file " + incr + ": " + e.getMessage());
        }
        lastIncrSize = sizeOf(incr);
        startWriter(ch);
        notice((hadIncr ? "Opening" : "Creating") + " AOF incr file " + incr + " on server start");
    }

    private void startWriter(FileChannel ch) {
        writer = new AofWriter(ch, policy(config), durableListener, this::notice, fed);
        engine.keyspace().tap().add(this);
    }

    /** Whether a new base is an RDB file (aof-use-rdb-preamble, Redis's default) or commands. */
    private boolean baseIsRdb() {
        return config.aofUseRdbPreamble();
    }

    /**
     * An RDB base, as rewriteAppendOnlyFile writes it with aof-use-rdb-preamble: rdbSaveRio's frame with the AUX
     * field aof-base 1 from the RDB writer of dump files, then the CRC-64 of every byte (0 with rdbchecksum no),
     * which for dump files the file writer appends.
     */
    private static final class RdbBase implements SnapshotConsumer {
        private final RdbSnapshotWriter rdb;
        private final AofRewriteConsumer.Sink sink;
        private final boolean checksum;
        private long crc;

        RdbBase(RdbPersistence persistence, AofRewriteConsumer.Sink sink) {
            this.sink = sink;
            this.checksum = persistence.checksumEnabled();
            this.rdb = persistence.newRdbWriter(this::chunk, true);
        }

        private void chunk(byte[] data, int length) {
            if (checksum) {
                crc = Crc64.update(crc, data, 0, length);
            }
            sink.write(data, length);
        }

        @Override
        public void begin(io.cinnabar.server.db.KeyspaceSnapshot snapshot) {
            rdb.begin(snapshot);
        }

        @Override
        public void key(int db, byte[] key, Object value, long expireAt, int lru) {
            rdb.key(db, key, value, expireAt, lru);
        }

        @Override
        public boolean keyInParts(int db, byte[] key, Object value, long expireAt, int lru, long deadlineNanos) {
            return rdb.keyInParts(db, key, value, expireAt, lru, deadlineNanos);
        }

        @Override
        public boolean resume(long deadlineNanos) {
            return rdb.resume(deadlineNanos);
        }

        @Override
        public void finished() {
            rdb.finished(); // EOF
            byte[] trailer = new byte[8];
            for (int i = 0; i < 8; i++) {
                trailer[i] = (byte) (crc >>> (8 * i)); // little-endian, as memrev64ifbe leaves it on disk
            }
            sink.write(trailer, 8);
            sink.finished();
        }

        @Override
        public void aborted(String why) {
            sink.aborted(why);
        }
    }

    // ---- manifest on disk ----

    /** writeAofManifestFile: a temp file, fsynced, renamed over the manifest, then the directory fsynced. */
    private void persistManifest(AofManifest am) throws IOException {
        if (!am.dirty) {
            return;
        }
        Path tmp = dir().resolve(AofManifest.tempManifestName(filename()));
        Path file = dir().resolve(AofManifest.manifestName(filename()));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(am.format());
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDirectory(dir());
        am.dirty = false;
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not every platform lets a directory be opened for fsync; the rename is done either way
        }
    }

    /** aofDelHistoryFiles: unlinked on the AOF thread when there is one (bg_unlink). */
    void deleteHistoryFiles() {
        if (config.aofDisableAutoGc() || manifest.history.isEmpty()) {
            return;
        }
        List<Path> doomed = new ArrayList<>();
        for (AofManifest.Info ai : manifest.history) {
            notice("Removing the history file " + ai.name + " in the background");
            doomed.add(dir().resolve(ai.name));
        }
        manifest.history.clear();
        manifest.dirty = true;
        try {
            persistManifest(manifest);
        } catch (IOException e) {
            warning("Can't persist the AOF manifest: " + e.getMessage());
        }
        Runnable unlink = () -> {
            for (Path p : doomed) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a history file left behind does no harm
                }
            }
        };
        if (writer != null) {
            writer.offer(unlink);
        } else {
            unlink.run();
        }
    }

    // ---- turning it on and off at runtime ----

    /** startAppendOnly: the rewrite creates the base; writes go to a temp incr file until it ends. */
    boolean start() {
        state = WAIT_REWRITE;
        if (engine.rdb().bgsaveInProgress()) {
            rewriteScheduled = true;
            warning("AOF was enabled but there is already another background operation. An AOF background was "
                    + "scheduled to start when possible.");
        } else {
            if (rewrite != null) {
                warning("AOF was enabled but there is already an AOF rewriting in background. Stopping background "
                        + "AOF and starting a rewrite now.");
                killRewrite();
            }
            if (!rewriteBackground()) {
                state = OFF;
                warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check "
                        + "the above logs for more info about the error.");
                return false;
            }
        }
        return true;
    }

    /** stopAppendOnly. */
    void stop() {
        handoff();
        if (writer != null) {
            writer.stop();
            writer = null;
        }
        engine.keyspace().tap().remove(this);
        selectedDb = -1;
        state = OFF;
        rewriteScheduled = false;
        lastIncrSize = 0;
        killRewrite();
        buffer.clear();
        release();
    }

    private void killRewrite() {
        if (rewrite != null) {
            notice("Killing running AOF rewrite child: " + rewrite.id);
            if (!rewrite.snapshotter.ended()) {
                rewrite.snapshotter.abort("killed");
            }
            rewrite.cancel();
            rewrite = null;
            rewriteTimeStart = -1;
        }
    }

    /** Server shutdown: what was fed is written and fsynced, the threads end. */
    public void shutdown() {
        killRewrite();
        if (writer != null) {
            handoff();
            writer.stop();
            writer = null;
            release();
        }
    }

    // ---- rewrite ----

    public boolean rewriteInProgress() {
        return rewrite != null;
    }

    /** The running rewrite's snapshot, for INFO's current_save_keys_* (null when none runs). */
    public Snapshotter runningSnapshot() {
        return rewrite == null ? null : rewrite.snapshotter;
    }

    /** Bytes of the new base serialized and not yet written (INFO current_cow_size during a rewrite). */
    public long rewritePendingBytes() {
        return rewrite == null ? 0 : rewrite.pending.get();
    }

    public long rewritePeakBytes() {
        return rewrite == null ? 0 : rewrite.peak;
    }

    /** SAVE, DEBUG RELOAD and FLUSHALL's save need the keyspace's only snapshot: the rewrite gives its keys now. */
    public void finishRunningSnapshot() {
        if (rewrite != null && !rewrite.snapshotter.ended()) {
            rewrite.snapshotter.runToEnd();
        }
    }

    /** BGREWRITEAOF's reply, as bgrewriteaofCommand. */
    public void bgrewriteaof(io.cinnabar.server.exec.Client c) {
        if (rewrite != null) {
            c.error("ERR Background append only file rewriting already in progress");
        } else if (engine.rdb().childActive()
                || (c.lastCmd != null && c.lastCmd.fullName.equals("exec"))) { // a BGSAVE runs, or server.in_exec
            rewriteScheduled = true;
            consecutiveFailures = 0;
            c.reply.simple("Background append only file rewriting scheduled");
        } else if (rewriteBackground()) {
            c.reply.simple("Background append only file rewriting started");
        } else {
            c.error("ERR Can't execute an AOF background rewriting. Please check the server logs for more "
                    + "information.");
        }
    }

    /** rewriteAppendOnlyFileBackground. */
    private boolean rewriteBackground() {
        if (engine.rdb().childActive()) {
            return false; // one snapshot at a time
        }
        try {
            Files.createDirectories(dir());
        } catch (IOException e) {
            warning("Can't open or create append-only dir " + config.appenddirname() + ": " + e.getMessage());
            lastBgrewriteOk = false;
            return false;
        }
        selectedDb = -1;
        handoff();
        if (!openNewIncr()) {
            lastBgrewriteOk = false;
            return false;
        }
        rewrites++;
        long id = ++rewriteIds;
        Path tmp = Path.of(config.dir()).resolve("temp-rewriteaof-bg-" + ProcessHandle.current().pid() + "-" + id
                + ".aof");
        Rewrite rw;
        try {
            rw = new Rewrite(id, tmp);
        } catch (IOException e) {
            warning("Can't rewrite append only file in background: " + e.getMessage());
            lastBgrewriteOk = false;
            return false;
        }
        rewrite = rw;
        notice("Background append only file rewriting started by pid " + ProcessHandle.current().pid());
        rewriteScheduled = false;
        rewriteTimeStart = System.currentTimeMillis() / 1000;
        // the point in time is now, with the new incr file opened above: the base holds every key as it is now
        // (keys about to change are given first), the incr file every write from now on
        rw.snapshotter = new Snapshotter(engine, baseConsumer(rw), () -> rw.pending.get() > MAX_PENDING,
                error -> { }); // a failure reaches the sink as aborted(why), and rewriteDone from its thread
        rw.snapshotter.start();
        rw.snapshotter.runInBackground();
        return true;
    }

    private long rewriteIds;
    /** Base bytes waiting for the rewrite thread past which the snapshot's slices pause. */
    private static final long MAX_PENDING = 16L << 20;

    /** The consumer writing the new base: the RDB writer's when the base is an RDB file, else commands. */
    private SnapshotConsumer baseConsumer(AofRewriteConsumer.Sink sink) {
        if (baseIsRdb()) {
            return new RdbBase(engine.rdb(), sink);
        }
        AofRewriteConsumer consumer = new AofRewriteConsumer(sink);
        if (config.aofTimestampEnabled()) {
            consumer.timestamp(System.currentTimeMillis() / 1000);
        }
        consumer.functions(libraryCodes());
        return consumer;
    }

    private List<byte[]> libraryCodes() {
        io.cinnabar.server.script.Scripting scripts = engine.scriptsIfStarted();
        if (scripts == null || scripts.functionsIfStarted() == null) {
            return List.of();
        }
        return scripts.functionsIfStarted().libraryCodes();
    }

    /** rewriteAppendOnlyFile, synchronously (the base created at startup). */
    private void rewriteNow(Path target) throws IOException {
        Path tmp = Path.of(config.dir()).resolve("temp-rewriteaof-" + ProcessHandle.current().pid() + ".aof");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            IOException[] failed = new IOException[1];
            SnapshotConsumer consumer = baseConsumer(new AofRewriteConsumer.Sink() {
                @Override
                public void write(byte[] data, int length) {
                    try {
                        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                    } catch (IOException e) {
                        failed[0] = e;
                    }
                }

                @Override
                public void finished() {
                }

                @Override
                public void aborted(String why) {
                    failed[0] = new IOException(why);
                }
            });
            new Snapshotter(engine, consumer, () -> false, error -> { }).start().runToEnd();
            if (failed[0] != null) {
                throw failed[0];
            }
            ch.force(true);
        } catch (IOException e) {
            warning("Write error writing append only file on disk: " + e.getMessage());
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** openNewIncrAofForAppend. */
    private boolean openNewIncr() {
        if (state == OFF) {
            return true;
        }
        AofManifest temp = null;
        String name;
        if (state == WAIT_REWRITE) {
            name = AofManifest.tempIncrName(filename());
        } else {
            temp = manifest.copy();
            name = temp.newIncr(filename());
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(dir().resolve(name), StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            warning("Can't open the append-only file " + name + ": " + e.getMessage());
            return false;
        }
        if (temp != null) {
            try {
                persistManifest(temp);
            } catch (IOException e) {
                warning("Can't persist the AOF manifest: " + e.getMessage());
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
                return false;
            }
        }
        notice("Creating AOF incr file " + name + " on background rewrite");
        if (writer != null) {
            writer.offer(new AofWriter.Switch(ch));
        } else {
            startWriter(ch);
        }
        lastIncrSize = 0;
        if (temp != null) {
            manifest = temp;
        }
        return true;
    }

    /** backgroundRewriteDoneHandler, on the executor. */
    private void rewriteDone(Rewrite rw, boolean ok, String why) {
        if (rw != rewrite) {
            try {
                Files.deleteIfExists(rw.tmp);
            } catch (IOException ignored) {
                // killed rewrite: its file goes
            }
            return;
        }
        rewrite = null;
        lastCowSize = rw.peak;
        if (ok) {
            notice("Background AOF rewrite terminated with success");
            AofManifest temp = manifest.copy();
            String newBase = temp.newBase(filename(), baseIsRdb());
            Path newBasePath = dir().resolve(newBase);
            Path newIncrPath = null;
            boolean failed = false;
            try {
                Files.move(rw.tmp, newBasePath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                notice("Successfully renamed the temporary AOF base file " + rw.tmp.getFileName() + " into "
                        + newBase);
            } catch (IOException e) {
                warning("Error trying to rename the temporary AOF base file " + rw.tmp.getFileName() + " into "
                        + newBasePath + ": " + e.getMessage());
                failed = true;
            }
            if (!failed && state == WAIT_REWRITE) {
                String tempIncr = AofManifest.tempIncrName(filename());
                String newIncr = temp.newIncr(filename());
                newIncrPath = dir().resolve(newIncr);
                try {
                    Files.move(dir().resolve(tempIncr), newIncrPath, StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                    notice("Successfully renamed the temporary AOF incr file " + tempIncr + " into " + newIncr);
                } catch (IOException e) {
                    warning("Error trying to rename the temporary AOF incr file " + tempIncr + " into " + newIncr
                            + ": " + e.getMessage());
                    deleteQuietly(newBasePath);
                    failed = true;
                }
            }
            if (!failed) {
                temp.markRewrittenIncrAsHistory(writer != null);
                try {
                    persistManifest(temp);
                } catch (IOException e) {
                    warning("Can't persist the AOF manifest: " + e.getMessage());
                    deleteQuietly(newBasePath);
                    if (newIncrPath != null) {
                        deleteQuietly(newIncrPath);
                    }
                    failed = true;
                }
            }
            if (failed) {
                lastBgrewriteOk = false;
                consecutiveFailures++;
            } else {
                manifest = temp;
                if (state != OFF) {
                    currentSize = sizeOf(newBase) + lastIncrSize;
                    rewriteBaseSize = currentSize;
                }
                deleteHistoryFiles();
                lastBgrewriteOk = true;
                consecutiveFailures = 0;
                notice("Background AOF rewrite finished successfully");
                if (state == WAIT_REWRITE) {
                    state = ON;
                }
            }
        } else {
            lastBgrewriteOk = false;
            consecutiveFailures++;
            warning("Background AOF rewrite terminated with error" + (why == null ? "" : ": " + why));
        }
        deleteQuietly(rw.tmp);
        if (state == WAIT_REWRITE) {
            buffer.clear();
            notice("Removing the temp incr aof file " + AofManifest.tempIncrName(filename()) + " in the background");
            deleteQuietly(dir().resolve(AofManifest.tempIncrName(filename())));
        }
        rewriteTimeLast = System.currentTimeMillis() / 1000 - rewriteTimeStart;
        rewriteTimeStart = -1;
        if (state == WAIT_REWRITE) {
            rewriteScheduled = true;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    /**
     * One background rewrite: the consumer's chunks are written to the temp file on a thread of its own, fsynced,
     * and the executor is told the outcome.
     */
    private final class Rewrite implements AofRewriteConsumer.Sink {
        final long id;
        final Path tmp;
        private final FileChannel ch;
        private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean cancelled;
        private static final Object DONE = new Object();
        /** Set right after construction, on the executor. */
        Snapshotter snapshotter;
        /** Bytes queued and not yet written, and the most ever queued (aof_last_cow_size's counterpart). */
        final java.util.concurrent.atomic.AtomicLong pending = new java.util.concurrent.atomic.AtomicLong();
        volatile long peak;

        Rewrite(long id, Path tmp) throws IOException {
            this.id = id;
            this.tmp = tmp;
            this.ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            this.thread = new Thread(this::run, "cinnabar-aof-rewrite");
            this.thread.setDaemon(true);
            this.thread.start();
        }

        @Override
        public void write(byte[] data, int length) {
            long now = pending.addAndGet(length);
            if (now > peak) {
                peak = now;
            }
            queue.offer(ByteBuffer.wrap(data, 0, length));
            LockSupport.unpark(thread);
        }

        @Override
        public void finished() {
            queue.offer(DONE);
            LockSupport.unpark(thread);
        }

        @Override
        public void aborted(String why) {
            queue.offer(why == null ? "aborted" : why);
            LockSupport.unpark(thread);
        }

        void cancel() {
            cancelled = true;
            LockSupport.unpark(thread);
        }

        private void run() {
            BackgroundPriority.lowerCurrentThread(); // as a BGSAVE's writer: the executor and clients first
            boolean ok = false;
            String why = null;
            try {
                while (!cancelled) {
                    Object item = queue.poll();
                    if (item == null) {
                        LockSupport.parkNanos(this, 100_000_000L);
                        continue;
                    }
                    if (item instanceof ByteBuffer b) {
                        int n = b.remaining();
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                        pending.addAndGet(-n);
                    } else if (item == DONE) {
                        ch.force(true);
                        ok = true;
                        break;
                    } else {
                        why = (String) item;
                        break;
                    }
                }
            } catch (IOException e) {
                why = e.getMessage();
            } finally {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
            if (ok) {
                notice("Successfully created the temporary AOF base file " + tmp.getFileName());
            }
            boolean success = ok;
            String reason = why;
            io.netty.util.concurrent.EventExecutor ex = engine.executor();
            if (cancelled) {
                deleteQuietly(tmp);
            } else if (ex != null) {
                ex.execute(() -> rewriteDone(this, success, reason));
            }
        }
    }

    // ---- serverCron ----

    /** serverCron's AOF part: a scheduled rewrite, the automatic one on growth. */
    public void cron() {
        // a rewrite asked for while a BGSAVE ran (or in EXEC) starts once no snapshot runs, as serverCron does
        if (!engine.rdb().childActive() && rewriteScheduled && !rewriteLimited()) {
            rewriteBackground();
        }
        if (state == ON && !engine.rdb().childActive() && config.autoAofRewritePercentage() > 0
                && currentSize > config.autoAofRewriteMinSize()) {
            long base = rewriteBaseSize != 0 ? rewriteBaseSize : 1;
            long growth = (currentSize * 100 / base) - 100;
            if (growth >= config.autoAofRewritePercentage() && !rewriteLimited()) {
                notice("Starting automatic rewriting of AOF on " + growth + "% growth");
                rewriteBackground();
            }
        }
    }

    /** aofRewriteLimited: after three failures in a row, wait 1, 2, 4 ... 60 minutes between tries. */
    private boolean rewriteLimited() {
        if (consecutiveFailures < 3) {
            nextDelayMinutes = 0;
            nextRewriteTime = 0;
            return false;
        }
        long now = System.currentTimeMillis() / 1000;
        if (nextRewriteTime != 0) {
            if (now < nextRewriteTime) {
                return true;
            }
            nextRewriteTime = 0;
            return false;
        }
        nextDelayMinutes = nextDelayMinutes == 0 ? 1 : Math.min(60, nextDelayMinutes * 2);
        nextRewriteTime = now + nextDelayMinutes * 60L;
        warning("Background AOF rewrite has repeatedly failed and triggered the limit, will retry in "
                + nextDelayMinutes + " minutes");
        return true;
    }

    // ---- DEBUG LOADAOF ----

    /** DEBUG LOADAOF: flush, empty the keyspace, load the files again. Null when loaded, else why not. */
    public String debugLoadAof() {
        if (state != OFF) {
            handoff();
            if (writer != null) {
                writer.drainAndSync();
            }
        }
        engine.keyspace().flushAll();
        try {
            loadManifestFromDisk();
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        deleteHistoryFiles();
        // the replayed commands run inside DEBUG's call: nothing of them may reach the AOF (or DEBUG's effects batch)
        io.cinnabar.server.db.Propagator propagator = engine.keyspace().propagator();
        engine.keyspace().propagator(io.cinnabar.server.db.Propagator.NONE);
        int ret;
        try {
            ret = loadFiles();
        } finally {
            engine.keyspace().propagator(propagator);
        }
        if (ret != AofLoader.OK && ret != AofLoader.EMPTY && ret != AofLoader.TRUNCATED
                && ret != AofLoader.NOT_EXIST) {
            return lastFailure;
        }
        engine.keyspace().dirty = 0;
        warning("Append Only File loaded by DEBUG LOADAOF");
        return null;
    }

    // ---- INFO ----

    /** The aof_* lines of INFO persistence, in Redis 7.0's order (the size lines only with appendonly yes). */
    public void info(StringBuilder sb) {
        AofWriter w = writer;
        line(sb, "aof_enabled", state != OFF ? 1 : 0);
        line(sb, "aof_rewrite_in_progress", rewrite != null ? 1 : 0);
        line(sb, "aof_rewrite_scheduled", rewriteScheduled ? 1 : 0);
        line(sb, "aof_last_rewrite_time_sec", rewriteTimeLast);
        line(sb, "aof_current_rewrite_time_sec",
                rewrite == null ? -1 : System.currentTimeMillis() / 1000 - rewriteTimeStart);
        sb.append("aof_last_bgrewrite_status:").append(lastBgrewriteOk ? "ok" : "err").append("\r\n");
        line(sb, "aof_rewrites", rewrites);
        line(sb, "aof_rewrites_consecutive_failures", consecutiveFailures);
        sb.append("aof_last_write_status:").append(writeError() == null ? "ok" : "err").append("\r\n");
        line(sb, "aof_last_cow_size", lastCowSize);
        line(sb, "module_fork_in_progress", 0);
        line(sb, "module_fork_last_cow_size", 0);
        if (config.appendonly()) {
            line(sb, "aof_current_size", currentSize);
            line(sb, "aof_base_size", rewriteBaseSize);
            line(sb, "aof_pending_rewrite", rewriteScheduled ? 1 : 0);
            line(sb, "aof_buffer_length", buffer.length());
            line(sb, "aof_pending_bio_fsync", w == null ? 0 : w.fsyncPending);
            line(sb, "aof_delayed_fsync", w == null ? 0 : w.delayedFsync);
        }
    }

    private static void line(StringBuilder sb, String name, long v) {
        sb.append(name).append(':').append(v).append("\r\n");
    }

    /**
     * The last write or fsync of the AOF failed (aof_last_write_status:err, or the background fsync's status) and
     * none has succeeded since: strerror's text, null when all is well or the AOF is off. Writes are refused with
     * MISCONF meanwhile (writeCommandsDeniedByDiskError).
     */
    public String writeError() {
        AofWriter w = writer;
        if (w == null || state == OFF) {
            return null;
        }
        String e = w.writeError;
        return e != null ? e : w.fsyncError;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
