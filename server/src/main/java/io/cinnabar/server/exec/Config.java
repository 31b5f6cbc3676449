package io.cinnabar.server.exec;

import io.cinnabar.server.exec.ConfigParam.Bool;
import io.cinnabar.server.exec.ConfigParam.Enum;
import io.cinnabar.server.exec.ConfigParam.Num;
import io.cinnabar.server.exec.ConfigParam.Special;
import io.cinnabar.server.exec.ConfigParam.Str;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every configuration parameter Redis 7.0.15 has (the 192 names {@code CONFIG GET *} lists, plus its hidden
 * ones), one declaration each in config.c's order, with Redis's aliases, flags, bounds, defaults and error texts.
 * A parameter either does what Redis's does, or only tunes something with no behaviour to observe yet (encoding
 * thresholds, defragmentation, replication or persistence tuning: stored and shown as Redis does, for the work
 * that will honour them), or refuses the values that would promise a missing feature with
 * {@link #notSupported}'s text. Nothing is accepted and ignored. Values are read by the executor, and CONFIG SET
 * runs on it. Not thread-safe.
 */
public final class Config {
    /** A CONFIG SET or startup value that does not fit; the message is Redis's reason text. */
    public static final class InvalidValue extends Exception {
        public InvalidValue(String message) {
            super(message, null, false, false);
        }
    }

    /** The one wording for values whose behaviour Cinnabar does not have yet. */
    public static String notSupported(String feature) {
        return feature + " is not supported by Cinnabar yet";
    }

    /** Directives a config file may hold that are not parameters (CONFIG REWRITE keeps their lines). */
    static final Set<String> FILE_ONLY_DIRECTIVES = Set.of("include", "rename-command", "user", "loadmodule",
            "sentinel");

    /** Cinnabar's default listen address, which differs from Redis's "* -::*": an embedded server stays local. */
    public static final String DEFAULT_BIND = "127.0.0.1";

    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final long INT_MIN = Integer.MIN_VALUE;
    private static final long UINT_MAX = 4294967295L;
    private static final long LONG_MAX = Long.MAX_VALUE;
    private static final long ULLONG_MAX = -1L; // 2^64-1, compared unsigned
    private static final int I = ConfigParam.IMMUTABLE;
    private static final int P = ConfigParam.PROTECTED;
    private static final int M = ConfigParam.MULTI_ARG;
    private static final int H = ConfigParam.HIDDEN;
    private static final int S = ConfigParam.SENSITIVE;
    private static final int F = ConfigParam.FIXED_WHILE_RUNNING;
    private static final int MEM = Num.MEMORY;
    private static final boolean NULLABLE = true; // EMPTY_STRING_IS_NULL
    private static final boolean EMPTY_OK = false; // ALLOW_EMPTY_STRING
    private static final ConfigParam.Allowed ONLY_NO = v -> v.equals("no");
    private static final ConfigParam.Allowed ONLY_ZERO = v -> v.equals("0");
    private static final ConfigParam.Allowed ONLY_EMPTY = String::isEmpty;

    private final Map<String, ConfigParam> byName = new LinkedHashMap<>();
    private final List<ConfigParam> params = new ArrayList<>();
    /** The config file the server started from, for CONFIG REWRITE; null if none. */
    private String configFile;

    // The parameters the executor reads.
    private final Num port;
    private final Special bind;
    private final Special notifyKeyspaceEvents;
    private int keyspaceEventFlags;
    private Special outputBufferLimit;
    /** The value {@link #outputBufferLimits} was parsed from, and what it gave. */
    private String outputBufferLimitsOf;
    private long[] outputBufferLimits;
    private final Num databases;
    private final Str requirepass;
    private final Bool protectedMode;
    private final Num hz;
    private final Num maxclients;
    private final Num timeout;
    private final Num tcpKeepalive;
    private final Num tcpBacklog;
    private final Num protoMaxBulkLen;
    private final Num listMaxListpackSize;
    private final Num listCompressDepth;
    private final Num hashMaxListpackEntries;
    private final Num hashMaxListpackValue;
    private final Num setMaxIntsetEntries;
    private final Num zsetMaxListpackEntries;
    private final Num zsetMaxListpackValue;
    private final Num streamNodeMaxEntries;
    private final Num streamNodeMaxBytes;
    private final Num clientQueryBufferLimit;
    private final Num slowlogLogSlowerThan;
    private final Num slowlogMaxLen;
    private final Num latencyMonitorThreshold;
    private final Enum enableDebugCommand;
    private final Enum enableProtectedConfigs;
    private final Enum loglevel;
    private final Str logfile;
    private final Num activeExpireEffort;
    private final Num busyReplyThreshold;
    private final Special dir;
    private final Num trackingTableMaxKeys;
    // the AOF's parameters (persist/Aof reads them)
    private final Bool appendonly;
    private final Enum appendfsync;
    private final Str appendfilename;
    private final Str appenddirname;
    private final Bool aofUseRdbPreamble;
    private final Bool aofTimestampEnabled;
    private final Bool aofLoadTruncated;
    private final Bool aofDisableAutoGc;
    private final Num autoAofRewritePercentage;
    private final Num autoAofRewriteMinSize;

    public Config() {
        // ---- bool ----
        bool("rdbchecksum", null, I, true); // persistence tuning: stored for the RDB work
        bool("daemonize", null, I, false).refuse(ONLY_NO, "daemonize yes"); // Cinnabar runs in the foreground or embedded
        bool("io-threads-do-reads", null, I, false);
        bool("always-show-logo", null, I, false);
        protectedMode = bool("protected-mode", null, 0, true);
        bool("rdbcompression", null, 0, true);
        bool("rdb-del-sync-files", null, 0, false);
        bool("activerehashing", null, 0, true);
        bool("stop-writes-on-bgsave-error", null, 0, true);
        bool("set-proc-title", null, I, true);
        bool("dynamic-hz", null, 0, true);
        bool("lazyfree-lazy-eviction", null, 0, false);
        bool("lazyfree-lazy-expire", null, 0, false);
        bool("lazyfree-lazy-server-del", null, 0, false);
        bool("lazyfree-lazy-user-del", null, 0, false);
        bool("lazyfree-lazy-user-flush", null, 0, false);
        bool("repl-disable-tcp-nodelay", null, 0, false);
        bool("repl-diskless-sync", null, 0, true);
        bool("aof-rewrite-incremental-fsync", null, 0, true);
        bool("no-appendfsync-on-rewrite", null, 0, false);
        bool("cluster-require-full-coverage", null, 0, true);
        bool("rdb-save-incremental-fsync", null, 0, true);
        aofLoadTruncated = bool("aof-load-truncated", null, 0, true);
        aofUseRdbPreamble = bool("aof-use-rdb-preamble", null, 0, true);
        aofTimestampEnabled = bool("aof-timestamp-enabled", null, 0, false);
        bool("cluster-replica-no-failover", "cluster-slave-no-failover", 0, false);
        bool("replica-lazy-flush", "slave-lazy-flush", 0, false);
        bool("replica-serve-stale-data", "slave-serve-stale-data", 0, true);
        bool("replica-read-only", "slave-read-only", 0, true);
        bool("replica-ignore-maxmemory", "slave-ignore-maxmemory", 0, true);
        bool("jemalloc-bg-thread", null, 0, true);
        bool("activedefrag", null, 0, false);
        bool("syslog-enabled", null, I, false).refuse(ONLY_NO, "logging to syslog"); // the logging work
        bool("cluster-enabled", null, I, false).refuse(ONLY_NO, "cluster mode"); // cluster support
        appendonly = bool("appendonly", null, 0, false);
        bool("cluster-allow-reads-when-down", null, 0, false);
        bool("cluster-allow-pubsubshard-when-down", null, 0, true);
        bool("crash-log-enabled", null, 0, true);
        bool("crash-memcheck-enabled", null, 0, true);
        bool("use-exit-on-panic", null, H, false);
        bool("disable-thp", null, I, true);
        bool("cluster-allow-replica-migration", null, 0, true);
        bool("replica-announced", null, 0, true);
        bool("latency-tracking", null, 0, true);
        aofDisableAutoGc = bool("aof-disable-auto-gc", null, 0, false);
        bool("replica-ignore-disk-write-errors", null, 0, false);

        // ---- string ----
        str("aclfile", null, I, EMPTY_OK, "", null).refuse(ONLY_EMPTY, "ACL files"); // the ACL work
        str("unixsocket", null, I, NULLABLE, "", null).refuse(ONLY_EMPTY, "listening on a unix socket"); // networking
        str("pidfile", null, I, NULLABLE, "", null).refuse(ONLY_EMPTY, "writing a pidfile"); // the launcher
        str("replica-announce-ip", "slave-announce-ip", 0, NULLABLE, "", null);
        str("masteruser", null, S, NULLABLE, "", null);
        str("cluster-announce-ip", null, 0, NULLABLE, "", null);
        str("cluster-config-file", null, I, EMPTY_OK, "nodes.conf", null);
        str("cluster-announce-hostname", null, 0, NULLABLE, "", Config::validHostname);
        str("syslog-ident", null, I, EMPTY_OK, "redis", null);
        str("dbfilename", null, P, EMPTY_OK, "dump.rdb", v -> baseName(v, "dbfilename", "filename", false));
        appendfilename = str("appendfilename", null, I, EMPTY_OK, "appendonly.aof", v -> baseName(v, "appendfilename", "filename", true));
        appenddirname = str("appenddirname", null, I, EMPTY_OK, "appendonlydir", v -> baseName(v, "appenddirname", "dirname", true));
        str("server_cpulist", null, I, NULLABLE, "", null);
        str("bio_cpulist", null, I, NULLABLE, "", null);
        str("aof_rewrite_cpulist", null, I, NULLABLE, "", null);
        str("bgsave_cpulist", null, I, NULLABLE, "", null);
        str("ignore-warnings", null, 0, EMPTY_OK, "", null);
        str("proc-title-template", null, 0, EMPTY_OK, "{title} {listen-addr} {server-mode}", this::validProcTitle);
        str("bind-source-addr", null, 0, NULLABLE, "", null);
        logfile = str("logfile", null, I, EMPTY_OK, "", null);
        str("masterauth", null, S, NULLABLE, "", null);
        requirepass = str("requirepass", null, S, NULLABLE, "", null);

        // ---- enum ----
        option("supervised", I, "no", "upstart", "systemd", "auto", "no")
                .refuse(ONLY_NO, "supervision by upstart or systemd"); // the launcher
        option("syslog-facility", I, "local0", "user", "local0", "local1", "local2", "local3", "local4", "local5",
                "local6", "local7");
        option("repl-diskless-load", 0, "disabled", "disabled", "on-empty-db", "swapdb");
        loglevel = option("loglevel", 0, "notice", "debug", "verbose", "notice", "warning");
        option("maxmemory-policy", 0, "noeviction", "volatile-lru", "volatile-lfu", "volatile-random",
                "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction")
                // LFU counters (OBJECT FREQ) come with the eviction work; the other policies act only past
                // maxmemory, which is refused until then
                .refuse(v -> !v.endsWith("-lfu"), "LFU access-frequency tracking");
        appendfsync = option("appendfsync", 0, "everysec", "everysec", "always", "no");
        add(new Enum("oom-score-adj", null, 0, new String[] {"no", "yes", "relative", "absolute"},
                new int[] {0, 1, 1, 2}, 0, null)); // yes is relative, and shows as yes
        option("acl-pubsub-default", 0, "resetchannels", "allchannels", "resetchannels");
        option("sanitize-dump-payload", 0, "no", "no", "yes", "clients");
        enableProtectedConfigs = option("enable-protected-configs", I, "no", "no", "yes", "local");
        enableDebugCommand = option("enable-debug-command", I, "no", "no", "yes", "local");
        option("enable-module-command", I, "no", "no", "yes", "local").refuse(ONLY_NO, "loading modules"); // modules
        option("cluster-preferred-endpoint-type", 0, "ip", "ip", "hostname", "unknown-endpoint");
        option("propagation-error-behavior", 0, "ignore", "ignore", "panic", "panic-on-replicas");
        shutdownOnSignal("shutdown-on-sigint");
        shutdownOnSignal("shutdown-on-sigterm");

        // ---- integer ----
        databases = num("databases", null, I, 1, INT_MAX, 16);
        port = num("port", null, F, 0, 65535, 6379); // Cinnabar listens once; the launcher takes any port
        num("io-threads", null, I, 1, 128, 1);
        autoAofRewritePercentage = num("auto-aof-rewrite-percentage", null, 0, 0, INT_MAX, 100);
        num("cluster-replica-validity-factor", "cluster-slave-validity-factor", 0, 0, INT_MAX, 10);
        listMaxListpackSize = num("list-max-listpack-size", "list-max-ziplist-size", 0, INT_MIN, INT_MAX, -2);
        tcpKeepalive = num("tcp-keepalive", null, 0, 0, INT_MAX, 300);
        num("cluster-migration-barrier", null, 0, 0, INT_MAX, 1);
        num("active-defrag-cycle-min", null, 0, 1, 99, 1);
        num("active-defrag-cycle-max", null, 0, 1, 99, 25);
        num("active-defrag-threshold-lower", null, 0, 0, 1000, 10);
        num("active-defrag-threshold-upper", null, 0, 0, 1000, 100);
        num("lfu-log-factor", null, 0, 0, INT_MAX, 10);
        num("lfu-decay-time", null, 0, 0, INT_MAX, 1);
        num("replica-priority", "slave-priority", 0, 0, INT_MAX, 100);
        num("repl-diskless-sync-delay", null, 0, 0, INT_MAX, 5);
        num("maxmemory-samples", null, 0, 1, INT_MAX, 5);
        num("maxmemory-eviction-tenacity", null, 0, 0, 100, 10);
        timeout = num("timeout", null, 0, 0, INT_MAX, 0);
        num("replica-announce-port", "slave-announce-port", 0, 0, 65535, 0);
        tcpBacklog = num("tcp-backlog", null, I, 0, INT_MAX, 511);
        num("cluster-port", null, I, 0, 65535, 0);
        num("cluster-announce-bus-port", null, 0, 0, 65535, 0);
        num("cluster-announce-port", null, 0, 0, 65535, 0);
        num("cluster-announce-tls-port", null, 0, 0, 65535, 0);
        num("repl-timeout", null, 0, 1, INT_MAX, 60);
        num("repl-ping-replica-period", "repl-ping-slave-period", 0, 1, INT_MAX, 10);
        listCompressDepth = num("list-compress-depth", null, 0, 0, INT_MAX, 0);
        num("rdb-key-save-delay", null, H, INT_MIN, INT_MAX, 0);
        num("key-load-delay", null, H, INT_MIN, INT_MAX, 0);
        activeExpireEffort = num("active-expire-effort", null, 0, 1, 10, 1);
        hz = num("hz", null, 0, 0, INT_MAX, 10).adjust(v -> Math.max(1, Math.min(500, v))); // updateHZ clamps
        num("min-replicas-to-write", "min-slaves-to-write", 0, 0, INT_MAX, 0)
                .refuse(ONLY_ZERO, "min-replicas-to-write (replication)"); // replication: NOREPLICAS
        num("min-replicas-max-lag", "min-slaves-max-lag", 0, 0, INT_MAX, 10);
        num("watchdog-period", null, H, 0, INT_MAX, 0).refuse(ONLY_ZERO, "the software watchdog"); // diagnostics
        num("shutdown-timeout", null, 0, 0, INT_MAX, 10);
        num("repl-diskless-sync-max-replicas", null, 0, 0, INT_MAX, 0);
        maxclients = num("maxclients", null, 0, 1, UINT_MAX, 10000);
        add(new Num("unixsocketperm", null, I, 0, 0777, 0, Num.OCTAL));
        num("socket-mark-id", null, I, 0, UINT_MAX, 0).refuse(ONLY_ZERO, "socket marks (SO_MARK)"); // networking
        num("active-defrag-max-scan-fields", null, 0, 1, LONG_MAX, 1000);
        slowlogMaxLen = num("slowlog-max-len", null, 0, 0, LONG_MAX, 128);
        num("acllog-max-len", null, 0, 0, LONG_MAX, 128);
        busyReplyThreshold = num("busy-reply-threshold", "lua-time-limit", 0, 0, LONG_MAX, 5000);
        num("cluster-node-timeout", null, 0, 0, LONG_MAX, 15000);
        slowlogLogSlowerThan = num("slowlog-log-slower-than", null, 0, -1, LONG_MAX, 10000);
        latencyMonitorThreshold = num("latency-monitor-threshold", null, 0, 0, LONG_MAX, 0);
        protoMaxBulkLen = mem("proto-max-bulk-len", null, 1024 * 1024, LONG_MAX, 512L * 1024 * 1024);
        streamNodeMaxEntries = num("stream-node-max-entries", null, 0, 0, LONG_MAX, 100);
        mem("repl-backlog-size", null, 1, LONG_MAX, 1024 * 1024).adjust(v -> Math.max(16 * 1024, v)); // its minimum
        mem("maxmemory", null, 0, ULLONG_MAX, 0).refuse(ONLY_ZERO, "maxmemory (eviction)"); // the eviction work
        mem("cluster-link-sendbuf-limit", null, 0, ULLONG_MAX, 0);
        hashMaxListpackEntries = num("hash-max-listpack-entries", "hash-max-ziplist-entries", 0, 0, LONG_MAX, 512);
        setMaxIntsetEntries = num("set-max-intset-entries", null, 0, 0, LONG_MAX, 512);
        zsetMaxListpackEntries = num("zset-max-listpack-entries", "zset-max-ziplist-entries", 0, 0, LONG_MAX, 128);
        mem("active-defrag-ignore-bytes", null, 1, LONG_MAX, 100L << 20);
        hashMaxListpackValue = mem("hash-max-listpack-value", "hash-max-ziplist-value", 0, LONG_MAX, 64);
        streamNodeMaxBytes = mem("stream-node-max-bytes", null, 0, LONG_MAX, 4096);
        zsetMaxListpackValue = mem("zset-max-listpack-value", "zset-max-ziplist-value", 0, LONG_MAX, 64);
        mem("hll-sparse-max-bytes", null, 0, LONG_MAX, 3000);
        trackingTableMaxKeys = num("tracking-table-max-keys", null, 0, 0, LONG_MAX, 1000000);
        clientQueryBufferLimit = mem("client-query-buffer-limit", null, 1024 * 1024, LONG_MAX, 1024L * 1024 * 1024);
        add(new Num("maxmemory-clients", null, 0, -100, LONG_MAX, 0, Num.MEMORY | Num.PERCENT))
                .refuse(ONLY_ZERO, "maxmemory-clients (client eviction)"); // the client-eviction work
        num("repl-backlog-ttl", null, 0, 0, LONG_MAX, 3600);
        autoAofRewriteMinSize = mem("auto-aof-rewrite-min-size", null, 0, LONG_MAX, 64L * 1024 * 1024);
        num("loading-process-events-interval-bytes", null, H, 1024, INT_MAX, 2 * 1024 * 1024);

        // ---- TLS (Redis built with it, as the packaged 7.0.15 is): the files are stored, the port refused ----
        num("tls-port", null, 0, 0, 65535, 0).refuse(ONLY_ZERO, "TLS"); // a TLS listener
        num("tls-session-cache-size", null, 0, 0, INT_MAX, 20 * 1024);
        num("tls-session-cache-timeout", null, 0, 0, INT_MAX, 300);
        bool("tls-cluster", null, 0, false).refuse(ONLY_NO, "TLS"); // a TLS cluster bus
        bool("tls-replication", null, 0, false).refuse(ONLY_NO, "TLS"); // TLS replication links
        option("tls-auth-clients", 0, "yes", "no", "yes", "optional");
        bool("tls-prefer-server-ciphers", null, 0, false);
        bool("tls-session-caching", null, 0, true);
        for (String file : new String[] {"tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file",
            "tls-client-key-file", "tls-client-key-file-pass", "tls-dh-params-file", "tls-ca-cert-file",
            "tls-ca-cert-dir", "tls-protocols", "tls-ciphers", "tls-ciphersuites"}) {
            str(file, null, 0, NULLABLE, "", null);
        }

        // ---- special ----
        dir = special("dir", null, P, currentDirectory(), (cur, a) -> directory(cur, a),
                (p, out) -> out.line(p.name, p.name + " " + ConfigParam.repr(p.value), true));
        special("save", null, M, "", (cur, a) -> SpecialValues.save(a), SpecialValues::rewriteSave);
        outputBufferLimit = special("client-output-buffer-limit", null, M, SpecialValues.OBUF_DEFAULT,
                SpecialValues::outputBufferLimit, SpecialValues::rewriteOutputBufferLimit);
        special("oom-score-adj-values", null, M, "0 200 800", (cur, a) -> SpecialValues.oomScoreAdjValues(a), null);
        notifyKeyspaceEvents = special("notify-keyspace-events", null, 0, "",
                (cur, a) -> {
                    String shown = SpecialValues.keyspaceEvents(a);
                    keyspaceEventFlags = SpecialValues.keyspaceEventFlags(a[0]);
                    return shown;
                },
                (p, out) -> out.line(p.name, p.name + " " + ConfigParam.repr(p.value), !p.value.isEmpty()));
        bind = special("bind", null, M | F, DEFAULT_BIND, (cur, a) -> SpecialValues.bind(a),
                SpecialValues::rewriteBind);
        bind.refuse(v -> !v.isEmpty(), "listening on no TCP address"); // unix sockets
        special("replicaof", "slaveof", I | M, "", (cur, a) -> SpecialValues.replicaOf(a), (p, out) -> out.processed(p.name))
                .refuse(ONLY_EMPTY, "replication"); // the replication work
        special("latency-tracking-info-percentiles", null, M, "50 99 99.9",
                (cur, a) -> SpecialValues.percentiles(a),
                (p, out) -> out.line(p.name, p.name + " " + (p.value.isEmpty() ? "\"\"" : p.value), true));

        for (ConfigParam p : params) {
            p.defaultShown = p.get();
        }
    }

    // ---- declaration helpers ----

    private <T extends ConfigParam> T add(T p) {
        params.add(p);
        byName.put(p.name, p);
        if (p.alias != null) {
            byName.put(p.alias, p);
        }
        return p;
    }

    private Bool bool(String name, String alias, int flags, boolean dflt) {
        return add(new Bool(name, alias, flags, dflt));
    }

    private Num num(String name, String alias, int flags, long min, long max, long dflt) {
        return add(new Num(name, alias, flags, min, max, dflt, Num.PLAIN));
    }

    private Num mem(String name, String alias, long min, long max, long dflt) {
        return add(new Num(name, alias, 0, min, max, dflt, MEM));
    }

    private Str str(String name, String alias, int flags, boolean emptyIsNull, String dflt,
                    ConfigParam.Validator validator) {
        return add(new Str(name, alias, flags, emptyIsNull, dflt, validator));
    }

    private Enum option(String name, int flags, String dflt, String... names) {
        int[] values = new int[names.length];
        int d = 0;
        for (int i = 0; i < names.length; i++) {
            values[i] = i;
            if (names[i].equals(dflt)) {
                d = i;
            }
        }
        return add(new Enum(name, null, flags, names, values, d, null));
    }

    /** shutdown-on-sigint/sigterm: the SHUTDOWN flags a signal implies (Main reads them). */
    private void shutdownOnSignal(String name) {
        add(new Enum(name, null, M, new String[] {"default", "save", "nosave", "now", "force"},
                new int[] {0, 1, 2, 4, 8}, 0, v -> {
                    if (List.of(v.split(" ")).containsAll(List.of("save", "nosave"))) {
                        throw new InvalidValue("shutdown options SAVE and NOSAVE can't be used simultaneously");
                    }
                }));
    }

    private Special special(String name, String alias, int flags, String dflt, ConfigParam.SpecialSetter setter,
                            ConfigParam.SpecialRewrite rewriter) {
        return add(new Special(name, alias, flags, dflt, setter, rewriter));
    }

    // ---- validators ----

    private static void validHostname(String v) throws InvalidValue {
        if (v.length() >= 256) {
            throw new InvalidValue("Hostnames must be less than 256 characters");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
                throw new InvalidValue("Hostnames may only contain alphanumeric characters, hyphens or dots");
            }
        }
    }

    private static void baseName(String v, String name, String what, boolean nonEmpty) throws InvalidValue {
        if (nonEmpty && v.isEmpty()) {
            throw new InvalidValue(name + " can't be empty");
        }
        if (v.indexOf('/') >= 0 || v.indexOf('\\') >= 0) {
            throw new InvalidValue(name + " can't be a path, just a " + what);
        }
    }

    /** validateProcTitleTemplate: sdstemplate with Redis's variables must expand to something. */
    private void validProcTitle(String template) throws InvalidValue {
        StringBuilder res = new StringBuilder();
        int i = 0;
        boolean ok = true;
        while (ok && i < template.length()) {
            int sv = template.indexOf('{', i);
            if (sv < 0) {
                res.append(template, i, template.length());
                break;
            }
            res.append(template, i, sv);
            sv++;
            if (sv >= template.length()) {
                ok = false;
            } else if (template.charAt(sv) == '{') {
                res.append('{');
                i = sv + 1;
            } else {
                int ev = template.indexOf('}', sv);
                if (ev < 0) {
                    ok = false;
                } else {
                    String value = switch (template.substring(sv, ev)) {
                        case "title", "server-mode", "unixsocket" -> "";
                        case "listen-addr" -> "*:" + port();
                        case "config-file" -> configFile == null ? "" : configFile;
                        case "port" -> Integer.toString(port());
                        case "tls-port" -> "0";
                        default -> null;
                    };
                    ok = value != null;
                    if (ok) {
                        res.append(value);
                    }
                    i = ev + 1;
                }
            }
        }
        if (!ok || res.toString().strip().isEmpty()) {
            throw new InvalidValue("template format is invalid or contains unknown variables");
        }
    }

    private static String currentDirectory() {
        Path cwd = Path.of("").toAbsolutePath();
        try {
            return cwd.toRealPath().toString();
        } catch (IOException e) {
            return cwd.toString();
        }
    }

    /** The JVM cannot chdir, so dir is kept resolved and files are placed under it (Redis's getcwd). */
    private static String directory(String current, String[] args) throws InvalidValue {
        if (args.length != 1) {
            throw new InvalidValue("wrong number of arguments");
        }
        Path p = Path.of(current).resolve(args[0]);
        if (!Files.exists(p)) {
            throw new InvalidValue("No such file or directory");
        }
        if (!Files.isDirectory(p)) {
            throw new InvalidValue("Not a directory");
        }
        if (!Files.isExecutable(p)) {
            throw new InvalidValue("Permission denied");
        }
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            throw new InvalidValue("No such file or directory");
        }
    }

    // ---- lookup ----

    /** The parameter by name or alias, case-insensitively; null if Redis 7.0 has no such parameter. */
    public ConfigParam find(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** Every parameter once, by its own name. */
    public List<ConfigParam> all() {
        return params;
    }

    /** Names with their aliases, as CONFIG GET matches patterns against both. */
    public Map<String, ConfigParam> namesAndAliases() {
        return byName;
    }

    /** Sets a parameter as a config file line {@code name value} would (immutable ones included). */
    public void set(String name, String value) throws InvalidValue {
        ConfigParam p = find(name);
        if (p == null) {
            throw new InvalidValue("Bad directive or wrong number of arguments");
        }
        p.setFromFile(List.of(value));
    }

    /**
     * CONFIG REWRITE's new file content from the old one (null if there is none): every parameter rewrites its
     * lines (see {@link ConfigRewrite}), then the default user's line, as ACLDescribeUser shows it.
     */
    public String rewrite(String old) {
        ConfigRewrite out = new ConfigRewrite(this, old);
        for (ConfigParam p : params) {
            p.rewrite(out);
        }
        out.line("user", "user default on " + defaultUserPassword() + " ~* &* +@all", true);
        return out.content();
    }

    /** The default user's password as ACL rules show it: nopass, or #sha256 of requirepass. */
    public String defaultUserPassword() {
        if (!requiresPassword()) {
            return "nopass";
        }
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(requirepass().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "#" + java.util.HexFormat.of().formatHex(hash);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records the port actually listened on (the embedded server's port 0 picks one), as CONFIG GET shows it. */
    public void listeningOn(int actualPort) {
        port.value = actualPort;
    }

    // ---- the values the executor reads ----

    public int port() {
        return (int) port.value;
    }

    public String bind() {
        return bind.value;
    }

    public int databases() {
        return (int) databases.value;
    }

    public boolean requiresPassword() {
        return !requirepass.value.isEmpty();
    }

    public String requirepass() {
        return requirepass.value;
    }

    public boolean protectedMode() {
        return protectedMode.value;
    }

    public int hz() {
        return (int) hz.value;
    }

    /** The configured hz (clamped to 1..500 as updateHZ does); hz() is the same, Cinnabar has no dynamic hz yet. */
    public int configuredHz() {
        return (int) hz.value;
    }

    public long maxclients() {
        return maxclients.value;
    }

    public int timeout() {
        return (int) timeout.value;
    }

    public int tcpKeepalive() {
        return (int) tcpKeepalive.value;
    }

    public int tcpBacklog() {
        return (int) tcpBacklog.value;
    }

    /** notify-keyspace-events as NOTIFY_* bits (K and E in the two low bits; 0 when off). */
    public int keyspaceEventFlags() {
        return keyspaceEventFlags;
    }

    /**
     * client-output-buffer-limit as numbers: hard limit, soft limit and soft seconds of the normal, replica and
     * pubsub classes, in that order (see {@link OutputBufferLimits}). Parsed again only when it changed.
     */
    public long[] outputBufferLimits() {
        String v = outputBufferLimit.value;
        if (v != outputBufferLimitsOf) {
            String[] parts = v.split(" ");
            long[] limits = new long[9];
            for (int i = 0; i < 9; i++) {
                limits[i] = Long.parseUnsignedLong(parts[i / 3 * 4 + 1 + i % 3]);
            }
            outputBufferLimits = limits;
            outputBufferLimitsOf = v;
        }
        return outputBufferLimits;
    }

    /** How full a list's listpack nodes get: a count of entries, or -1..-5 for 4..64 KB. */
    public long listMaxListpackSize() {
        return listMaxListpackSize.value;
    }

    /** Nodes a new list keeps uncompressed at each end; 0 compresses none. */
    public long listCompressDepth() {
        return listCompressDepth.value;
    }

    /** Entries a hash keeps in a listpack before it becomes a hash table. */
    /** stream-node-max-entries: entries (live and deleted) a stream node holds at most; 0 for no limit. */
    public long streamNodeMaxEntries() {
        return streamNodeMaxEntries.value;
    }

    /** stream-node-max-bytes: bytes a stream node's listpack grows to at most; 0 for no limit (1 GiB). */
    public long streamNodeMaxBytes() {
        return streamNodeMaxBytes.value;
    }

    public long hashMaxListpackEntries() {
        return hashMaxListpackEntries.value;
    }

    /** Longest field or value a hash keeps in a listpack. */
    public long hashMaxListpackValue() {
        return hashMaxListpackValue.value;
    }

    /** Members a set of integers keeps in an intset before it becomes a hash table. */
    public long setMaxIntsetEntries() {
        return setMaxIntsetEntries.value;
    }

    /** Members a sorted set keeps in a listpack before it becomes a skiplist. */
    public long zsetMaxListpackEntries() {
        return zsetMaxListpackEntries.value;
    }

    /** Longest member a sorted set keeps in a listpack. */
    public long zsetMaxListpackValue() {
        return zsetMaxListpackValue.value;
    }

    public long protoMaxBulkLen() {
        return protoMaxBulkLen.value;
    }

    public long clientQueryBufferLimit() {
        return clientQueryBufferLimit.value;
    }

    public long slowlogLogSlowerThan() {
        return slowlogLogSlowerThan.value;
    }

    public long slowlogMaxLen() {
        return slowlogMaxLen.value;
    }

    public long latencyMonitorThreshold() {
        return latencyMonitorThreshold.value;
    }

    public String enableDebugCommand() {
        return enableDebugCommand.get();
    }

    /** no, yes or local: who may CONFIG SET the protected parameters (dir, dbfilename). */
    public String enableProtectedConfigs() {
        return enableProtectedConfigs.get();
    }

    public String loglevel() {
        return loglevel.get();
    }

    public String logfile() {
        return logfile.value;
    }

    /** The working directory files go to (Redis's dir; the process's own until CONFIG SET dir). */
    public String dir() {
        return dir.value;
    }

    /** Milliseconds a script may run before other clients get BUSY (busy-reply-threshold, lua-time-limit). */
    public long busyReplyThreshold() {
        return busyReplyThreshold.value;
    }

    /** tracking-table-max-keys: the most keys the client-side caching table remembers (0: no limit). */
    public long trackingTableMaxKeys() {
        return trackingTableMaxKeys.value;
    }

    public int activeExpireEffort() {
        return (int) activeExpireEffort.value;
    }

    public String configFile() {
        return configFile;
    }

    public void configFile(String path) {
        this.configFile = path;
    }

    // ---- AOF ----

    public boolean appendonly() {
        return appendonly.value;
    }

    /** appendfsync: 0 everysec, 1 always, 2 no. */
    public int appendfsync() {
        return appendfsync.value;
    }

    public String appendfilename() {
        return appendfilename.value;
    }

    public String appenddirname() {
        return appenddirname.value;
    }

    public boolean aofUseRdbPreamble() {
        return aofUseRdbPreamble.value;
    }

    public boolean aofTimestampEnabled() {
        return aofTimestampEnabled.value;
    }

    public boolean aofLoadTruncated() {
        return aofLoadTruncated.value;
    }

    public boolean aofDisableAutoGc() {
        return aofDisableAutoGc.value;
    }

    public long autoAofRewritePercentage() {
        return autoAofRewritePercentage.value;
    }

    public long autoAofRewriteMinSize() {
        return autoAofRewriteMinSize.value;
    }
}
