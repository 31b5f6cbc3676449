package io.cinnabar.server.persist;

import io.cinnabar.server.db.Database;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.Keyspace;
import io.cinnabar.server.exec.Config;
import io.cinnabar.server.exec.ConfigParam;
import io.cinnabar.server.exec.Engine;
import io.cinnabar.server.exec.Log;
import io.cinnabar.server.script.FunctionLibraries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RDB persistence as Redis 7.0's server state and rdb.c's entry points have it: SAVE (rdbSave), BGSAVE
 * (rdbSaveBackground, here a background {@link Snapshotter} and an {@link RdbFileWriter} thread instead of a
 * forked child), the save points checked by the tick, FLUSHALL's and SHUTDOWN's saves, loading a file
 * (rdbLoad) into a fresh keyspace, and the figures of INFO persistence. Not thread-safe: the executor's.
 */
public final class RdbPersistence {
    /** The MISCONF error of write commands after a failed background save (shared.bgsaveerr). */
    public static final String MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently "
            + "unable to persist to disk. Commands that may modify the data set are disabled, because this instance "
            + "is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error "
            + "option). Please check the Redis logs for details about the RDB error.";
    /** CONFIG_BGSAVE_RETRY_DELAY: seconds between save point attempts after a failed one. */
    private static final long RETRY_DELAY = 5;
    /**
     * Bytes waiting for the writer thread past which background slices pause: 16 chunks, as many as the writer
     * keeps arrays of for reuse ({@link RdbFileWriter}), so a writer that lags (it runs at a lower priority) makes
     * the executor wait instead of allocating a new array per chunk for the collector to clear.
     */
    private static final long MAX_PENDING = 16L * RdbSnapshotWriter.CHUNK;

    /** A background save in progress: the snapshot, then its file writer finishing. */
    private static final class Job {
        final Snapshotter snapshotter;
        final RdbFileWriter writer;
        final long startedMillis;
        boolean killed;

        Job(Snapshotter snapshotter, RdbFileWriter writer, long startedMillis) {
            this.snapshotter = snapshotter;
            this.writer = writer;
            this.startedMillis = startedMillis;
        }
    }

    private final Engine engine;
    private final Config config;
    private final Keyspace keyspace;
    private final Log log;
    private long lastSave;
    private boolean lastBgsaveOk = true;
    private long lastBgsaveTry;
    private long saves;
    private long lastBgsaveSeconds = -1;
    private long lastCowSize;
    private long dirtyBeforeBgsave;
    private boolean bgsaveScheduled;
    private long lastLoadKeysLoaded;
    private long lastLoadKeysExpired;
    private Job job;
    private String saveParamsOf;
    private long[] saveParams = new long[0];

    public RdbPersistence(Engine engine) {
        this.engine = engine;
        this.config = engine.config();
        this.keyspace = engine.keyspace();
        this.log = engine.log();
        this.lastSave = engine.clock().millis() / 1000;
    }

    // ---- settings ----

    private String setting(String name) {
        ConfigParam p = config.find(name);
        return p == null ? "" : p.get();
    }

    /** dir/dbfilename. */
    public Path file() {
        return Path.of(config.dir()).resolve(setting("dbfilename"));
    }

    /** The save points, as (seconds, changes) pairs. */
    long[] saveParams() {
        String v = setting("save");
        if (!v.equals(saveParamsOf)) {
            String[] parts = v.isBlank() ? new String[0] : v.trim().split("\\s+");
            long[] p = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                p[i] = Long.parseLong(parts[i]);
            }
            saveParams = p;
            saveParamsOf = v;
        }
        return saveParams;
    }

    public boolean hasSaveParams() {
        return saveParams().length > 0;
    }

    private boolean idleInFile() {
        return setting("maxmemory-policy").endsWith("-lru");
    }

    private long now() {
        return engine.clock().millis() / 1000;
    }

    // ---- state ----

    public long lastSave() {
        return lastSave;
    }

    /** A background save is running (its snapshot or its file writer): Redis's child_type == CHILD_TYPE_RDB. */
    public boolean bgsaveInProgress() {
        return job != null;
    }

    /**
     * hasActiveChildProcess: a background save or an AOF rewrite is running (its snapshot or its file writing).
     * There is one keyspace snapshot at a time, as Redis has one child.
     */
    public boolean childActive() {
        return job != null || aofRewriting();
    }

    private boolean aofRewriting() {
        Aof aof = engine.aof();
        return aof != null && aof.rewriteInProgress();
    }

    /**
     * writeCommandsDeniedByDiskError for RDB: a background save failed, save points are set and
     * stop-writes-on-bgsave-error is yes.
     */
    public boolean writesDenied() {
        return !lastBgsaveOk && setting("stop-writes-on-bgsave-error").equals("yes") && hasSaveParams();
    }

    /**
     * writeCommandsDeniedByDiskError with writeCommandsGetDiskErrorMessage: the error text (without its '-') write
     * commands, PING and scripts' writes get, or null. A failed BGSAVE first (stop-writes-on-bgsave-error), then a
     * failed AOF write or fsync while appendonly is on.
     */
    public String writeDenial() {
        if (writesDenied()) {
            return MISCONF;
        }
        Aof aof = engine.aof();
        String aofError = aof == null ? null : aof.writeError();
        return aofError == null ? null : "MISCONF Errors writing to the AOF file: " + aofError;
    }

    // ---- SAVE ----

    /** Makes way for a synchronous save: a running snapshot (an AOF rewrite, a BGSAVE) gives its remaining keys now. */
    private void finishRunningSnapshot() {
        if (job != null && !job.snapshotter.ended()) {
            job.snapshotter.runToEnd();
        }
        if (engine.aof() != null) {
            engine.aof().finishRunningSnapshot();
        }
    }

    /**
     * rdbSave: writes the whole keyspace to {@link #file()} now, on the executor (the writer thread does the I/O
     * meanwhile). On success the changes count restarts and LASTSAVE moves. {@code countSave}: SAVE itself, which
     * INFO's rdb_saves counts (FLUSHALL's, SHUTDOWN's and DEBUG RELOAD's saves are not counted).
     */
    public boolean save(boolean countSave) {
        return saveTo(file(), countSave) == null;
    }

    /** As {@link #save}, to {@code target}; returns null or the error. */
    public String saveTo(Path target, boolean countSave) {
        finishRunningSnapshot();
        RdbFileWriter writer = new RdbFileWriter(target, setting("rdbchecksum").equals("yes"));
        String[] failure = new String[1];
        Snapshotter s = new Snapshotter(engine, newRdbWriter(writer, false), () -> false, e -> failure[0] = e);
        s.start();
        s.runToEnd();
        if (failure[0] != null) {
            writer.abort();
        } else {
            writer.finish();
        }
        RdbFileWriter.Result r = writer.await();
        String error = failure[0] != null ? "Write error saving DB on disk: " + failure[0] : r.error();
        if (error != null) {
            log.warning(error);
            return error;
        }
        log.notice("DB saved on disk");
        keyspace.dirty = 0;
        lastSave = now();
        lastBgsaveOk = true;
        if (countSave) {
            saves++;
        }
        return null;
    }

    /** The RDB frame writer with this server's settings: dump files, and AOF bases ({@code aofBase}). */
    RdbSnapshotWriter newRdbWriter(RdbSnapshotWriter.ChunkSink sink, boolean aofBase) {
        return new RdbSnapshotWriter(sink, setting("rdbcompression").equals("yes"), keyspace, idleInFile(),
                aofBase, Engine.usedMemory(), engine.clock().millis() / 1000, libraryCodes());
    }

    /** rdbchecksum: the CRC-64 after EOF, or 0. */
    boolean checksumEnabled() {
        return setting("rdbchecksum").equals("yes");
    }

    /** The function libraries' code, for FUNCTION2 records. */
    public List<byte[]> libraryCodes() {
        io.cinnabar.server.script.Scripting s = engine.scriptsIfStarted();
        FunctionLibraries f = s == null ? null : s.functionsIfStarted();
        return f == null ? List.of() : f.libraryCodes();
    }

    // ---- BGSAVE ----

    /** BGSAVE [SCHEDULE]: the reply's status text, or an error text starting with its code. */
    public String bgsaveCommand(boolean schedule, boolean inExec) {
        if (job != null) {
            return "-ERR Background save already in progress";
        }
        if (childActive() || inExec) {
            if (schedule || inExec) {
                bgsaveScheduled = true;
                return "Background saving scheduled";
            }
            return "-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in "
                    + "order to schedule a BGSAVE whenever possible.";
        }
        startBackgroundSave();
        return "Background saving started";
    }

    /** rdbSaveBackground: the snapshot begins now; its keys are written in slices and by the writer thread. */
    public boolean startBackgroundSave() {
        if (childActive()) {
            return false;
        }
        dirtyBeforeBgsave = keyspace.dirty;
        lastBgsaveTry = now();
        RdbFileWriter writer = new RdbFileWriter(file(), setting("rdbchecksum").equals("yes"), true);
        Job[] self = new Job[1];
        Snapshotter s = new Snapshotter(engine, newRdbWriter(writer, false),
                () -> writer.pendingBytes() > MAX_PENDING, error -> snapshotEnded(self[0], error));
        Job j = new Job(s, writer, engine.clock().millis());
        self[0] = j;
        job = j;
        s.start();
        log.notice("Background saving started");
        s.runInBackground();
        return true;
    }

    /** The snapshot has given every key (or failed): the writer finishes the file on its thread. */
    private void snapshotEnded(Job j, String error) {
        if (error != null) {
            log.warning("Write error saving DB on disk: " + error);
            j.writer.abort();
        } else {
            j.writer.finish();
        }
        j.writer.result().whenComplete((r, t) -> onExecutor(() -> backgroundSaveDone(j, r)));
    }

    private void onExecutor(Runnable r) {
        io.netty.util.concurrent.EventExecutor executor = engine.executor();
        if (executor == null || executor.isShuttingDown()) {
            r.run();
        } else {
            executor.execute(r);
        }
    }

    /** backgroundSaveDoneHandlerDisk. */
    private void backgroundSaveDone(Job j, RdbFileWriter.Result r) {
        if (job != j) {
            return;
        }
        job = null;
        lastBgsaveSeconds = (engine.clock().millis() - j.startedMillis) / 1000;
        lastCowSize = j.writer.peakBytes();
        if (j.killed) {
            log.warning("Background saving terminated by signal 10");
        } else if (r != null && r.ok()) {
            log.notice("DB saved on disk");
            log.notice("Background saving terminated with success");
            keyspace.dirty -= dirtyBeforeBgsave;
            lastSave = now();
            lastBgsaveOk = true;
            saves++;
        } else {
            if (r != null && r.error() != null && !r.error().equals("aborted")) {
                log.warning(r.error());
            }
            log.warning("Background saving error");
            lastBgsaveOk = false;
        }
    }

    /** killRDBChild: FLUSHALL and SHUTDOWN stop a background save; the old file stays, the status is unchanged. */
    public void killBackgroundSave() {
        Job j = job;
        if (j == null || j.killed) {
            return;
        }
        j.killed = true;
        if (!j.snapshotter.ended()) {
            j.snapshotter.abort("killed");
            j.writer.abort();
            j.writer.result().whenComplete((r, t) -> onExecutor(() -> backgroundSaveDone(j, r)));
        }
    }

    /** For SHUTDOWN: a background save is killed and forgotten at once (finishShutdown). */
    public void killBackgroundSaveForShutdown() {
        if (job != null) {
            log.warning("There is a child saving an .rdb. Killing it!");
            // the server is going away: its temporary file goes, the keyspace marks do not matter any more (and a
            // timed-out script may own the keyspace now)
            job.killed = true;
            job.writer.abort();
            job = null;
        }
    }

    /**
     * finishShutdown's persistence part: a background save is killed, then the final save is made when save points
     * are set and NOSAVE was not given, or SAVE was; false when that save failed without FORCE (the server then
     * goes on running, as Redis does).
     */
    public boolean finishShutdown(boolean save, boolean nosave, boolean force) {
        killBackgroundSaveForShutdown();
        if ((hasSaveParams() && !nosave) || save) {
            log.notice("Saving the final RDB snapshot before exiting.");
            if (!save(false)) {
                if (force) {
                    log.warning("Error trying to save the DB. Exit anyway.");
                } else {
                    log.warning("Error trying to save the DB, can't exit.");
                    log.warning("Errors trying to shut down the server. Check the logs for more information.");
                    return false;
                }
            }
        }
        log.warning("Redis is now ready to exit, bye bye...");
        return true;
    }

    // ---- the tick ----

    /** serverCron's part: save points and a scheduled BGSAVE. */
    public void cron() {
        if (childActive()) {
            return;
        }
        long now = now();
        long[] params = saveParams();
        for (int i = 0; i + 1 < params.length; i += 2) {
            long seconds = params[i];
            long changes = params[i + 1];
            if (keyspace.dirty >= changes && now - lastSave > seconds
                    && (now - lastBgsaveTry > RETRY_DELAY || lastBgsaveOk)) {
                log.notice(changes + " changes in " + seconds + " seconds. Saving...");
                startBackgroundSave();
                return;
            }
        }
        if (bgsaveScheduled && (now - lastBgsaveTry > RETRY_DELAY || lastBgsaveOk)) {
            if (startBackgroundSave()) {
                bgsaveScheduled = false;
            }
        }
    }

    // ---- loading ----

    /** A file that could not be loaded: the message names the file, the offset and what was wrong. */
    public static final class LoadError extends Exception {
        private static final long serialVersionUID = 1L;

        LoadError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * rdbLoad into a fresh keyspace, installed only when the whole file was read: {@code flush} replaces the current
     * contents (startup, DEBUG RELOAD), otherwise the keys are added ({@code merge}: a key the file has wins; without
     * it a key present on both sides fails the load, changing nothing). Function libraries likewise.
     *
     * @throws NoSuchFileException when there is no file
     */
    public RdbLoader.Result load(Path file, boolean flush, boolean merge) throws LoadError, NoSuchFileException {
        long started = System.nanoTime();
        Keyspace loaded = keyspace.emptyCopy();
        loaded.now = engine.clock().millis();
        RdbLoader.Result r;
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            r = RdbLoader.load(new RdbInput(in), loaded, config, loaded.now, true, log, size);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (RdbFormatException e) {
            throw new LoadError("Bad RDB file " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new LoadError("Error reading the RDB file " + file + ": " + RdbFileWriter.reason(e), e);
        } catch (RuntimeException e) {
            throw new LoadError("Bad RDB file " + file + ": " + e, e);
        }
        if (!flush && !merge) {
            for (int i = 0; i < keyspace.count(); i++) {
                Database from = loaded.db(i);
                Database to = keyspace.db(i);
                byte[][] clash = new byte[1][];
                from.forEach(e -> {
                    if (clash[0] == null && to.peek(e.key) != null) {
                        clash[0] = e.key;
                    }
                });
                if (clash[0] != null) {
                    throw new LoadError("Bad RDB file " + file + ": RDB has duplicated key '"
                            + new String(clash[0], java.nio.charset.StandardCharsets.ISO_8859_1) + "' in DB " + i, null);
                }
            }
        }
        if (!r.libraries.isEmpty() || (flush && engine.scriptsIfStarted() != null)) {
            try {
                engine.scripts().functions().installLoaded(r.libraries, !flush, merge);
            } catch (FunctionLibraries.LibraryError e) {
                throw new LoadError("Bad RDB file " + file + ": Failed loading library: " + e.getMessage(), e);
            }
        }
        if (flush) {
            keyspace.replaceContents(loaded);
        } else {
            for (int i = 0; i < keyspace.count(); i++) {
                Database to = keyspace.db(i);
                List<Dict.Entry> entries = new ArrayList<>();
                loaded.db(i).forEach(entries::add);
                for (Dict.Entry e : entries) {
                    Dict.Entry old = to.lookupWrite(e.key);
                    if (old != null) {
                        to.unlink(old);
                    }
                    Dict.Entry added = to.addLoaded(e.key, e.value);
                    added.lru = e.lru;
                    if (e.expireAt != Dict.NO_EXPIRE) {
                        to.setExpire(added, e.expireAt);
                    }
                }
            }
        }
        lastLoadKeysLoaded = r.keysLoaded;
        lastLoadKeysExpired = r.keysExpired;
        log.notice("Done loading RDB, keys loaded: " + r.keysLoaded + ", keys expired: " + r.keysExpired
                + (r.emptyKeysSkipped > 0 ? ", empty keys skipped: " + r.emptyKeysSkipped : "") + ".");
        r.seconds = (System.nanoTime() - started) / 1e9;
        return r;
    }

    /** loadDataFromDisk: the file at startup, if there is one; a bad file stops the start. */
    public void loadAtStartup() throws LoadError {
        Path f = file();
        try {
            RdbLoader.Result r = load(f, true, false);
            log.notice(String.format(Locale.ROOT, "DB loaded from disk: %.3f seconds", r.seconds));
        } catch (NoSuchFileException e) {
            // no file: an empty dataset, as Redis starts
        }
    }

    // ---- INFO ----

    /** INFO persistence's RDB fields, from loading to rdb_last_load_keys_loaded, in 7.0's order. */
    public void info(StringBuilder sb) {
        Job j = job;
        Aof aof = engine.aof();
        boolean rewriting = j == null && aof != null && aof.rewriteInProgress();
        // as Redis's child info: the figures of whichever child runs, the RDB save's or the AOF rewrite's
        Snapshotter s = j != null ? j.snapshotter : rewriting ? aof.runningSnapshot() : null;
        long processed = s == null ? 0 : s.keysProcessed();
        long total = s == null ? 0 : s.keysTotal();
        long peak = j != null ? j.writer.peakBytes() : rewriting ? aof.rewritePeakBytes() : 0;
        long pending = j != null ? j.writer.pendingBytes() : rewriting ? aof.rewritePendingBytes() : 0;
        line(sb, "loading", "0");
        line(sb, "async_loading", "0");
        line(sb, "current_cow_peak", Long.toString(peak));
        line(sb, "current_cow_size", Long.toString(pending));
        line(sb, "current_cow_size_age", "0");
        line(sb, "current_fork_perc", String.format(Locale.ROOT, "%.2f", total == 0 ? 0.0 : processed * 100.0 / total));
        line(sb, "current_save_keys_processed", Long.toString(processed));
        line(sb, "current_save_keys_total", Long.toString(total));
        line(sb, "rdb_changes_since_last_save", Long.toString(keyspace.dirty));
        line(sb, "rdb_bgsave_in_progress", j == null ? "0" : "1");
        line(sb, "rdb_last_save_time", Long.toString(lastSave));
        line(sb, "rdb_last_bgsave_status", lastBgsaveOk ? "ok" : "err");
        line(sb, "rdb_last_bgsave_time_sec", Long.toString(lastBgsaveSeconds));
        line(sb, "rdb_current_bgsave_time_sec",
                j == null ? "-1" : Long.toString((engine.clock().millis() - j.startedMillis) / 1000));
        line(sb, "rdb_saves", Long.toString(saves));
        line(sb, "rdb_last_cow_size", Long.toString(lastCowSize));
        line(sb, "rdb_last_load_keys_expired", Long.toString(lastLoadKeysExpired));
        line(sb, "rdb_last_load_keys_loaded", Long.toString(lastLoadKeysLoaded));
    }

    private static void line(StringBuilder sb, String name, String value) {
        sb.append(name).append(':').append(value).append("\r\n");
    }

    /** Stops a background save when the engine closes: the temporary file goes, the old file stays. */
    public void close() {
        Job j = job;
        if (j != null) {
            j.killed = true;
            if (!j.snapshotter.ended()) {
                j.snapshotter.abort("shutdown");
            }
            j.writer.abort();
            job = null;
        }
    }
}
