package io.cinnabar.server.command;

import io.cinnabar.server.db.Database;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.LatencyMonitor;
import io.cinnabar.server.exec.SlowLog;
import io.cinnabar.server.types.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Server commands: DBSIZE, FLUSH*, TIME, SAVE, BGSAVE, LASTSAVE, SHUTDOWN, MONITOR, SLOWLOG, MEMORY, LATENCY. */
final class ServerCommands {
    private ServerCommands() {
    }

    static void dbsize(Client c) {
        c.reply.integer(c.db.size());
    }

    /** getFlushCommandFlags: nothing, SYNC or ASYNC; both free memory the same way here (the GC reclaims it). */
    private static boolean flushArgsValid(Client c) {
        if (c.argc == 1 || (c.argc == 2 && (Args.is(c.argv[1], "sync") || Args.is(c.argv[1], "async")))) {
            return true;
        }
        c.syntaxError();
        return false;
    }

    static void flushdb(Client c) {
        if (!flushArgsValid(c)) {
            return;
        }
        c.engine.keyspace().flush(c.db);
        c.reply.ok();
    }

    static void flushall(Client c) {
        if (!flushArgsValid(c)) {
            return;
        }
        c.engine.keyspace().flushAll();
        // flushAllDataAndResetRDB: a background save is killed (its file would hold the old data), and with save
        // points set the empty dataset is saved at once
        io.cinnabar.server.persist.RdbPersistence rdb = c.engine.rdb();
        rdb.killBackgroundSave();
        if (rdb.hasSaveParams()) {
            rdb.save(false);
        } else {
            c.engine.keyspace().dirty++; // counted as a change, so that it is propagated even when empty
        }
        c.reply.ok();
    }

    /** SAVE: a synchronous save, refused while a background one runs. */
    static void save(Client c) {
        io.cinnabar.server.persist.RdbPersistence rdb = c.engine.rdb();
        if (rdb.bgsaveInProgress()) {
            c.error("ERR Background save already in progress");
            return;
        }
        if (rdb.save(true)) {
            c.reply.ok();
        } else {
            c.error("ERR");
        }
    }

    /** BGSAVE [SCHEDULE]. */
    static void bgsave(Client c) {
        boolean schedule = false;
        if (c.argc > 1) {
            if (c.argc == 2 && Args.is(c.argv[1], "schedule")) {
                schedule = true;
            } else {
                c.syntaxError();
                return;
            }
        }
        // a client is in MULTI here only while EXEC runs the command (server.in_exec)
        String reply = c.engine.rdb().bgsaveCommand(schedule, c.inMulti());
        if (reply.startsWith("-")) {
            c.error(reply.substring(1));
        } else {
            c.reply.simple(reply);
        }
    }

    static void time(Client c) {
        long micros = c.engine.clock().micros();
        c.reply.array(2);
        c.reply.bulkLong(micros / 1_000_000);
        c.reply.bulkLong(micros % 1_000_000);
    }

    static void bgrewriteaof(Client c) {
        c.engine.aof().bgrewriteaof(c);
    }

    static void lastsave(Client c) {
        c.reply.integer(c.engine.rdb().lastSave());
    }

    static void shutdown(Client c) {
        boolean nosave = false;
        boolean save = false;
        boolean abort = false;
        boolean other = false;
        boolean force = false;
        for (int i = 1; i < c.argc; i++) {
            byte[] opt = c.argv[i];
            if (Args.is(opt, "nosave")) {
                nosave = true;
            } else if (Args.is(opt, "save")) {
                save = true;
            } else if (Args.is(opt, "now")) {
                other = true;
            } else if (Args.is(opt, "force")) {
                other = true;
                force = true;
            } else if (Args.is(opt, "abort")) {
                abort = true;
            } else {
                c.syntaxError();
                return;
            }
        }
        if ((abort && (nosave || save || other)) || (nosave && save)) {
            c.syntaxError(); // Redis 7.0 calls it an illegal combination, and replies a syntax error
            return;
        }
        if (abort) {
            c.error("ERR No shutdown in progress.");
            return;
        }
        if (!nosave && c.engine.scriptBusy()) {
            c.error(Dispatcher.BUSY); // a timed-out script allows only SHUTDOWN NOSAVE
            return;
        }
        c.engine.log().warning("User requested shutdown...");
        if (!c.engine.rdb().finishShutdown(save, nosave, force)) {
            c.error("ERR Errors trying to SHUTDOWN. Check logs.");
            return;
        }
        c.closing = true;
        c.engine.requestShutdown();
    }

    static void monitor(Client c) {
        if (c.monitor) {
            return;
        }
        c.monitor = true;
        c.engine.addMonitor(c);
        c.reply.ok();
    }

    // ---- SLOWLOG ----

    static void slowlogGet(Client c) {
        SlowLog log = c.engine.slowLog();
        long count = 10;
        if (c.argc == 3) {
            if (!Args.longArg(c, 2, -1, Long.MAX_VALUE,
                    io.cinnabar.server.error.Errors.of("ERR count should be greater than or equal to -1"))) {
                return;
            }
            count = c.parsedLong == -1 ? log.size() : c.parsedLong;
        }
        int n = (int) Math.min(count, log.size());
        c.reply.array(n);
        int sent = 0;
        for (SlowLog.Entry e : log.entries()) {
            if (sent++ == n) {
                break;
            }
            c.reply.array(6);
            c.reply.integer(e.id());
            c.reply.integer(e.timestampSeconds());
            c.reply.integer(e.micros());
            c.reply.array(e.argv().length);
            for (byte[] arg : e.argv()) {
                c.reply.bulk(arg);
            }
            c.reply.bulk(e.peer());
            c.reply.bulk(e.clientName());
        }
    }

    static void slowlogLen(Client c) {
        c.reply.integer(c.engine.slowLog().size());
    }

    static void slowlogReset(Client c) {
        c.engine.slowLog().reset();
        c.reply.ok();
    }

    static void slowlogHelp(Client c) {
        Help.reply(c, "SLOWLOG",
                "GET [<count>]",
                "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:",
                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                "    client name",
                "LEN",
                "    Return the length of the slowlog.",
                "RESET",
                "    Reset the slowlog.");
    }

    // ---- MEMORY ----

    static void memoryUsage(Client c) {
        int samples = 5; // Redis's default; SAMPLES 0 means every element
        for (int j = 3; j < c.argc; j++) {
            if (Args.is(c.argv[j], "samples") && j + 1 < c.argc) {
                if (!Args.longArg(c, j + 1)) {
                    return;
                }
                if (c.parsedLong < 0) {
                    c.syntaxError();
                    return;
                }
                samples = (int) Math.min(Integer.MAX_VALUE, c.parsedLong);
                j++;
            } else {
                c.syntaxError();
                return;
            }
        }
        Dict.Entry e = c.db.lookup(c.argv[2], Database.NOTOUCH);
        if (e == null) {
            c.reply.nullBulk();
            return;
        }
        c.reply.integer(usage(e, samples));
    }

    /** Bytes the key and value take on the JVM heap (object headers and alignment included, compressed oops). */
    static long usage(Dict.Entry e, int samples) {
        long size = 40 + Types.arrayBytes(e.key.length) + Types.memoryUsage(e.value, samples);
        if (e.expireAt != Dict.NO_EXPIRE) {
            size += 40; // the expiry index entry
        }
        return size;
    }

    static void memoryHelp(Client c) {
        Help.reply(c, "MEMORY",
                "USAGE <key> [SAMPLES <count>]",
                "    Return memory in bytes used by <key> and its value. Nested values are",
                "    sampled up to <count> times (default: 5, 0 means sample all).");
    }

    // ---- LATENCY ----

    static void latencyLatest(Client c) {
        Map<String, LatencyMonitor.Series> events = c.engine.latency().events();
        c.reply.array(events.size());
        for (Map.Entry<String, LatencyMonitor.Series> e : events.entrySet()) {
            LatencyMonitor.Sample last = e.getValue().latest();
            c.reply.array(4);
            c.reply.bulk(e.getKey());
            c.reply.integer(last.timeSeconds());
            c.reply.integer(last.millis());
            c.reply.integer(e.getValue().max);
        }
    }

    static void latencyHistory(Client c) {
        LatencyMonitor.Series s = c.engine.latency().events().get(Args.string(c.argv[2]));
        if (s == null) {
            c.reply.array(0);
            return;
        }
        c.reply.array(s.samples.size());
        for (LatencyMonitor.Sample sample : s.samples) {
            c.reply.array(2);
            c.reply.integer(sample.timeSeconds());
            c.reply.integer(sample.millis());
        }
    }

    static void latencyReset(Client c) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < c.argc; i++) {
            names.add(Args.string(c.argv[i]));
        }
        c.reply.integer(c.engine.latency().reset(names));
    }

    static void latencyHelp(Client c) {
        Help.reply(c, "LATENCY",
                "HISTORY <event>",
                "    Return time-latency samples for the <event> class.",
                "LATEST",
                "    Return the latest latency samples for all events.",
                "RESET [<event> ...]",
                "    Reset latency data of one or more <event> classes.",
                "    (default: reset all data for all event classes)");
    }
}
