package io.cinnabar.server.command;

import io.cinnabar.server.db.Database;
import io.cinnabar.server.db.Keyspace;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Config;
import io.cinnabar.server.exec.ConfigParam;
import io.cinnabar.server.exec.Engine;
import io.cinnabar.server.exec.LatencyHistogram;
import io.cinnabar.server.exec.Stats;
import io.cinnabar.server.script.EvalScripts;
import io.cinnabar.server.script.FunctionLibraries;
import io.cinnabar.server.script.Scripting;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * INFO, as genRedisInfoString in Redis 7.0.15: every section and field in Redis's order, with the values this
 * server really has. Where Redis reports allocator (jemalloc) or rusage figures, the JVM's or /proc's stand in,
 * as each method says. Fields Redis prints only under conditions that never hold here (loading, a save or AOF
 * rewrite in progress, AOF enabled, replicas, modules) are left out, as Redis leaves them out then.
 * Runs on the executor; builds text (INFO is not on the per-command path).
 */
final class InfoCommand {
    static final String REDIS_VERSION = "7.0.15";
    /** genInfoSectionDict's default_sections. */
    private static final List<String> DEFAULT_SECTIONS = List.of("server", "clients", "memory", "persistence",
            "stats", "replication", "cpu", "module_list", "errorstats", "cluster", "keyspace");

    private InfoCommand() {
    }

    static void info(Client c) {
        Set<String> sections = new HashSet<>();
        boolean all = false;
        if (c.argc == 1) {
            sections.addAll(DEFAULT_SECTIONS);
        }
        for (int i = 1; i < c.argc; i++) {
            String s = Args.string(c.argv[i]).toLowerCase(Locale.ROOT);
            switch (s) {
                case "default" -> sections.addAll(DEFAULT_SECTIONS);
                case "all", "everything" -> all = true; // "everything" adds module sections: there are none
                default -> sections.add(s);
            }
        }
        String text = generate(c.engine, sections, all);
        c.reply.verbatim("txt", text.getBytes(StandardCharsets.UTF_8));
    }

    /** The INFO text for these sections (or all of them), in Redis's section order. */
    static String generate(Engine e, Set<String> sections, boolean all) {
        StringBuilder sb = new StringBuilder(8192);
        int emitted = 0;
        String[] order = {"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules",
            "commandstats", "errorstats", "latencystats", "cluster", "keyspace"};
        for (String section : order) {
            boolean wanted = all || sections.contains(section)
                    || (section.equals("modules") && sections.contains("module_list"));
            if (!wanted) {
                continue;
            }
            if (emitted++ > 0) {
                sb.append("\r\n");
            }
            switch (section) {
                case "server" -> server(e, sb);
                case "clients" -> clients(e, sb);
                case "memory" -> memory(e, sb);
                case "persistence" -> persistence(e, sb);
                case "stats" -> stats(e, sb);
                case "replication" -> replication(e, sb);
                case "cpu" -> cpu(e, sb);
                case "modules" -> sb.append("# Modules\r\n");
                case "commandstats" -> commandstats(e, sb);
                case "errorstats" -> errorstats(e, sb);
                case "latencystats" -> latencystats(e, sb);
                case "cluster" -> sb.append("# Cluster\r\ncluster_enabled:0\r\n");
                case "keyspace" -> keyspace(e, sb);
                default -> throw new IllegalStateException(section);
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, Object value) {
        sb.append(key).append(':').append(value).append("\r\n");
    }

    private static String fixed(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }

    // ---- server ----

    private static void server(Engine e, StringBuilder sb) {
        Config config = e.config();
        long now = e.clock().millis();
        long uptime = (now - e.startedAt()) / 1000;
        sb.append("# Server\r\n");
        line(sb, "redis_version", REDIS_VERSION);
        line(sb, "redis_git_sha1", "00000000");
        line(sb, "redis_git_dirty", 0);
        line(sb, "redis_build_id", buildId());
        line(sb, "redis_mode", "standalone");
        line(sb, "os", os());
        line(sb, "arch_bits", System.getProperty("sun.arch.data.model", "64"));
        line(sb, "monotonic_clock", "POSIX clock_gettime"); // System.nanoTime is CLOCK_MONOTONIC
        line(sb, "multiplexing_api", multiplexingApi());
        line(sb, "atomicvar_api", "c11-builtin");
        line(sb, "gcc_version", "0.0.0"); // what Redis prints when not built by GCC
        line(sb, "process_id", ProcessHandle.current().pid());
        line(sb, "process_supervised", "no");
        line(sb, "run_id", e.runId());
        line(sb, "tcp_port", e.listeningPort());
        line(sb, "server_time_usec", e.clock().micros());
        line(sb, "uptime_in_seconds", uptime);
        line(sb, "uptime_in_days", uptime / 86400);
        line(sb, "hz", config.hz());
        line(sb, "configured_hz", config.configuredHz());
        line(sb, "lru_clock", (now / 1000) & Keyspace.LRU_CLOCK_MAX);
        line(sb, "executable", ProcessHandle.current().info().command().orElse(""));
        line(sb, "config_file", config.configFile() == null ? "" : Path.of(config.configFile()).toAbsolutePath());
        line(sb, "io_threads_active", 0);
    }

    /** A build identifier: Cinnabar's version and the JVM's, hashed as Redis hashes its build's facts. */
    private static String buildId() {
        String version = Engine.class.getPackage().getImplementationVersion();
        String facts = (version == null ? "dev" : version) + System.getProperty("java.vm.version", "");
        long h = 1125899906842597L;
        for (int i = 0; i < facts.length(); i++) {
            h = 31 * h + facts.charAt(i);
        }
        return Long.toHexString(h);
    }

    /** uname -s -r -m: the kernel's own names where /proc has them, uname's machine names for Java's arch. */
    static String os() {
        String sys = readFirstLine("/proc/sys/kernel/ostype");
        String release = readFirstLine("/proc/sys/kernel/osrelease");
        if (sys == null || release == null) {
            sys = System.getProperty("os.name");
            release = System.getProperty("os.version");
            if (sys.startsWith("Mac")) {
                sys = "Darwin";
            }
        }
        String arch = System.getProperty("os.arch");
        arch = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "x86", "i386" -> "i686";
            case "aarch64", "arm64" -> sys.equals("Darwin") ? "arm64" : "aarch64";
            default -> arch;
        };
        return sys + " " + release + " " + arch;
    }

    private static String multiplexingApi() {
        if (io.netty.channel.epoll.Epoll.isAvailable()) {
            return "epoll";
        }
        String os = System.getProperty("os.name", "");
        // Java NIO's selector is kqueue on BSD and macOS, epoll on Linux, poll elsewhere
        if (os.startsWith("Mac") || os.contains("BSD")) {
            return "kqueue";
        }
        return os.startsWith("Linux") ? "epoll" : "select";
    }

    private static String readFirstLine(String file) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file), StandardCharsets.ISO_8859_1);
            return lines.isEmpty() ? null : lines.get(0).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    // ---- clients ----

    private static void clients(Engine e, StringBuilder sb) {
        // clients waiting for keys, and those held by CLIENT PAUSE (BLOCKED_POSTPONE), as Redis counts them
        int blocked = e.blocked().count();
        Stats s = e.stats();
        sb.append("# Clients\r\n");
        line(sb, "connected_clients", e.clientCount());
        line(sb, "cluster_connections", 0);
        line(sb, "maxclients", e.config().maxclients());
        line(sb, "client_recent_max_input_buffer", s.recentMaxInputBuffer());
        line(sb, "client_recent_max_output_buffer", s.recentMaxOutputBuffer());
        line(sb, "blocked_clients", blocked);
        line(sb, "tracking_clients", e.tracking().clients());
        line(sb, "clients_in_timeout_table", e.blocked().withDeadline());
    }

    // ---- memory ----

    /** bytesToHuman. */
    static String human(long bytes) {
        double d = bytes;
        if (bytes < 1024) {
            return bytes + "B";
        } else if (bytes < 1024L * 1024) {
            return fixed("%.2fK", d / 1024);
        } else if (bytes < 1024L * 1024 * 1024) {
            return fixed("%.2fM", d / (1024 * 1024));
        } else if (bytes < 1024L * 1024 * 1024 * 1024) {
            return fixed("%.2fG", d / (1024L * 1024 * 1024));
        } else if (bytes < 1024L * 1024 * 1024 * 1024 * 1024) {
            return fixed("%.2fT", d / (1024L * 1024 * 1024 * 1024));
        }
        return fixed("%.2fP", d / (1024L * 1024 * 1024 * 1024 * 1024));
    }

    /**
     * The memory section. used_memory is the JVM heap in use (Redis: bytes its allocator handed out); the
     * allocator_* figures are the heap in use (allocated), the heap committed (active) and the heap and non-heap
     * committed (resident); used_memory_rss is the process's resident set from /proc (the committed total where
     * /proc is missing); total_system_memory is /proc/meminfo's MemTotal (else the OS MXBean's). The Lua VM lives
     * in the JVM heap and cannot be measured apart, so the Lua VM figures are 0. Overhead is the heap at
     * startup, the clients' buffers and the key tables.
     */
    private static void memory(Engine e, StringBuilder sb) {
        Runtime rt = Runtime.getRuntime();
        long used = Engine.usedMemory();
        Stats stats = e.stats();
        if (used > stats.peakMemory) {
            stats.peakMemory = used;
        }
        long peak = stats.peakMemory;
        long committedHeap = rt.totalMemory();
        long nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getCommitted();
        long resident = committedHeap + Math.max(0, nonHeap);
        long rss = rss(resident);
        long startup = e.startupMemory();
        long clientsMemory = 0;
        for (Client c : e.clients()) {
            clientsMemory += ClientCommands.memoryUsage(c);
        }
        long tables = 0;
        Keyspace k = e.keyspace();
        for (int i = 0; i < k.count(); i++) {
            tables += k.db(i).tableOverheadBytes();
        }
        long overhead = startup + clientsMemory + tables;
        long dataset = used > overhead ? used - overhead : 0;
        long netUsage = used > startup ? used - startup : 1;
        Scripting scripting = e.scriptsIfStarted();
        EvalScripts scripts = scripting == null ? null : scripting.eval();
        FunctionLibraries functions = scripting == null ? null : scripting.functionsIfStarted();
        long scriptsEval = scripts == null ? 0 : scripts.cachedScriptBytes();
        long functionsMemory = functions == null ? 200 : functions.memory();
        long maxmemory = maxmemory(e.config());
        sb.append("# Memory\r\n");
        line(sb, "used_memory", used);
        line(sb, "used_memory_human", human(used));
        line(sb, "used_memory_rss", rss);
        line(sb, "used_memory_rss_human", human(rss));
        line(sb, "used_memory_peak", peak);
        line(sb, "used_memory_peak_human", human(peak));
        line(sb, "used_memory_peak_perc", fixed("%.2f%%", peak == 0 ? 0 : used * 100.0 / peak));
        line(sb, "used_memory_overhead", overhead);
        line(sb, "used_memory_startup", startup);
        line(sb, "used_memory_dataset", dataset);
        line(sb, "used_memory_dataset_perc", fixed("%.2f%%", dataset * 100.0 / netUsage));
        line(sb, "allocator_allocated", used);
        line(sb, "allocator_active", committedHeap);
        line(sb, "allocator_resident", resident);
        line(sb, "total_system_memory", totalSystemMemory());
        line(sb, "total_system_memory_human", human(totalSystemMemory()));
        line(sb, "used_memory_lua", 0);
        line(sb, "used_memory_vm_eval", 0);
        line(sb, "used_memory_lua_human", human(0));
        line(sb, "used_memory_scripts_eval", scriptsEval);
        line(sb, "number_of_cached_scripts", scripts == null ? 0 : scripts.cachedScripts());
        line(sb, "number_of_functions", functions == null ? 0 : functions.functionCount());
        line(sb, "number_of_libraries", functions == null ? 0 : functions.libraryCount());
        line(sb, "used_memory_vm_functions", 0);
        line(sb, "used_memory_vm_total", 0);
        line(sb, "used_memory_vm_total_human", human(0));
        line(sb, "used_memory_functions", functionsMemory);
        line(sb, "used_memory_scripts", scriptsEval + functionsMemory);
        line(sb, "used_memory_scripts_human", human(scriptsEval + functionsMemory));
        line(sb, "maxmemory", maxmemory);
        line(sb, "maxmemory_human", human(maxmemory));
        line(sb, "maxmemory_policy", setting(e.config(), "maxmemory-policy", "noeviction"));
        line(sb, "allocator_frag_ratio", ratio(committedHeap, used));
        line(sb, "allocator_frag_bytes", committedHeap - used);
        line(sb, "allocator_rss_ratio", ratio(resident, committedHeap));
        line(sb, "allocator_rss_bytes", resident - committedHeap);
        line(sb, "rss_overhead_ratio", ratio(rss, resident));
        line(sb, "rss_overhead_bytes", rss - resident);
        line(sb, "mem_fragmentation_ratio", ratio(rss, used));
        line(sb, "mem_fragmentation_bytes", rss - used);
        line(sb, "mem_not_counted_for_evict", 0);
        line(sb, "mem_replication_backlog", 0);
        line(sb, "mem_total_replication_buffers", 0);
        line(sb, "mem_clients_slaves", 0);
        line(sb, "mem_clients_normal", clientsMemory);
        line(sb, "mem_cluster_links", 0);
        line(sb, "mem_aof_buffer", 0);
        line(sb, "mem_allocator", "jvm");
        line(sb, "active_defrag_running", 0);
        line(sb, "lazyfree_pending_objects", 0);
        line(sb, "lazyfreed_objects", 0);
    }

    private static String ratio(long a, long b) {
        return fixed("%.2f", b == 0 ? 0 : (double) a / b);
    }

    /** A parameter's value through the Config API, or Redis's default while this build's Config lacks it. */
    static String setting(Config config, String name, String fallback) {
        ConfigParam p = config.find(name);
        return p == null ? fallback : p.get();
    }

    private static long maxmemory(Config config) {
        try {
            return Long.parseLong(setting(config, "maxmemory", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** VmRSS from /proc/self/status, else {@code fallback}. */
    private static long rss(long fallback) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.ISO_8859_1)) {
                if (l.startsWith("VmRSS:")) {
                    return kilobytes(l);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return fallback;
    }

    private static long kilobytes(String procLine) {
        String[] parts = procLine.trim().split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
    }

    private static long totalSystemMemory() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.ISO_8859_1)) {
                if (l.startsWith("MemTotal:")) {
                    return kilobytes(l);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    // ---- persistence ----

    /** RDB figures from the persistence state; no AOF (the aof_* lines as Redis prints them with appendonly no). */
    private static void persistence(Engine e, StringBuilder sb) {
        sb.append("# Persistence\r\n");
        e.rdb().info(sb);
        e.aof().info(sb); // aof_enabled .. module_fork_last_cow_size, then the sizes when appendonly yes
    }

    // ---- stats ----

    private static void stats(Engine e, StringBuilder sb) {
        Stats s = e.stats();
        Keyspace k = e.keyspace();
        sb.append("# Stats\r\n");
        line(sb, "total_connections_received", s.connectionsReceived);
        line(sb, "total_commands_processed", s.commandsProcessed);
        line(sb, "instantaneous_ops_per_sec", s.instantaneousOps());
        line(sb, "total_net_input_bytes", s.netInputBytes);
        line(sb, "total_net_output_bytes", s.netOutputBytes);
        line(sb, "total_net_repl_input_bytes", 0);
        line(sb, "total_net_repl_output_bytes", 0);
        line(sb, "instantaneous_input_kbps", fixed("%.2f", s.instantaneousInputKbps()));
        line(sb, "instantaneous_output_kbps", fixed("%.2f", s.instantaneousOutputKbps()));
        line(sb, "instantaneous_input_repl_kbps", "0.00");
        line(sb, "instantaneous_output_repl_kbps", "0.00");
        line(sb, "rejected_connections", s.rejectedConnections);
        line(sb, "sync_full", 0);
        line(sb, "sync_partial_ok", 0);
        line(sb, "sync_partial_err", 0);
        line(sb, "expired_keys", k.expiredKeys);
        line(sb, "expired_stale_perc", fixed("%.2f", k.expiredStalePercent * 100));
        line(sb, "expired_time_cap_reached_count", k.expiredTimeCapReached);
        line(sb, "expire_cycle_cpu_milliseconds", s.expireCycleNanos / 1_000_000);
        line(sb, "evicted_keys", 0);
        line(sb, "evicted_clients", 0);
        line(sb, "total_eviction_exceeded_time", 0);
        line(sb, "current_eviction_exceeded_time", 0);
        line(sb, "keyspace_hits", k.hits);
        line(sb, "keyspace_misses", k.misses);
        line(sb, "pubsub_channels", 0);
        line(sb, "pubsub_patterns", 0);
        line(sb, "pubsubshard_channels", 0);
        line(sb, "latest_fork_usec", 0);
        line(sb, "total_forks", 0);
        line(sb, "migrate_cached_sockets", 0);
        line(sb, "slave_expires_tracked_keys", 0);
        line(sb, "active_defrag_hits", 0);
        line(sb, "active_defrag_misses", 0);
        line(sb, "active_defrag_key_hits", 0);
        line(sb, "active_defrag_key_misses", 0);
        line(sb, "total_active_defrag_time", 0);
        line(sb, "current_active_defrag_time", 0);
        line(sb, "tracking_total_keys", e.tracking().totalKeys());
        line(sb, "tracking_total_items", e.tracking().totalItems());
        line(sb, "tracking_total_prefixes", e.tracking().totalPrefixes());
        line(sb, "unexpected_error_replies", 0);
        line(sb, "total_error_replies", s.errorReplies);
        line(sb, "dump_payload_sanitizations", 0);
        line(sb, "total_reads_processed", s.readsProcessed);
        line(sb, "total_writes_processed", s.writesProcessed);
        line(sb, "io_threaded_reads_processed", 0);
        line(sb, "io_threaded_writes_processed", 0);
        line(sb, "reply_buffer_shrinks", s.replyBufferShrinks);
        line(sb, "reply_buffer_expands", s.replyBufferExpands);
    }

    // ---- replication ----

    /** A master with no replicas and no backlog (none is created until a replica connects). */
    private static void replication(Engine e, StringBuilder sb) {
        sb.append("# Replication\r\n");
        line(sb, "role", "master");
        line(sb, "connected_slaves", 0);
        line(sb, "master_failover_state", "no-failover");
        line(sb, "master_replid", e.replId());
        line(sb, "master_replid2", "0000000000000000000000000000000000000000");
        line(sb, "master_repl_offset", 0);
        line(sb, "second_repl_offset", -1);
        line(sb, "repl_backlog_active", 0);
        line(sb, "repl_backlog_size", setting(e.config(), "repl-backlog-size", "1048576"));
        line(sb, "repl_backlog_first_byte_offset", 0);
        line(sb, "repl_backlog_histlen", 0);
    }

    // ---- cpu ----

    /**
     * The process's CPU time is the JVM's precise total (all threads, ended ones included), split into system and
     * user time in the kernel's proportions from /proc/self/stat; children are /proc's cutime/cstime (none: we
     * never fork). The main thread is the executor thread, measured by the thread MXBean.
     */
    private static void cpu(Engine e, StringBuilder sb) {
        double total = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            total = Math.max(0, os.getProcessCpuTime()) / 1e9;
        }
        double user = total;
        double sys = 0;
        double userChildren = 0;
        double sysChildren = 0;
        long[] ticks = procStatTimes();
        if (ticks != null) {
            long sum = ticks[0] + ticks[1];
            if (sum > 0) {
                sys = total * ticks[1] / sum;
                user = total - sys;
            }
            userChildren = ticks[2] / 100.0; // USER_HZ, 100 on every Linux ABI
            sysChildren = ticks[3] / 100.0;
        }
        double mainUser = 0;
        double mainSys = 0;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Thread executor = e.executorThread() != null ? e.executorThread() : Thread.currentThread();
        if (threads.isThreadCpuTimeSupported()) {
            long cpuNanos = threads.getThreadCpuTime(executor.getId());
            long userNanos = threads.getThreadUserTime(executor.getId());
            if (cpuNanos >= 0 && userNanos >= 0) {
                // the thread's CPU time is precise, its user part counts whole ticks: below one tick the kernel
                // has sampled nothing and getrusage would report it all as user time
                long threadUser = userNanos == 0 ? cpuNanos : Math.min(userNanos, cpuNanos);
                mainUser = threadUser / 1e9;
                mainSys = (cpuNanos - threadUser) / 1e9;
            }
        }
        sb.append("# CPU\r\n");
        line(sb, "used_cpu_sys", fixed("%.6f", sys));
        line(sb, "used_cpu_user", fixed("%.6f", user));
        line(sb, "used_cpu_sys_children", fixed("%.6f", sysChildren));
        line(sb, "used_cpu_user_children", fixed("%.6f", userChildren));
        line(sb, "used_cpu_sys_main_thread", fixed("%.6f", mainSys));
        line(sb, "used_cpu_user_main_thread", fixed("%.6f", mainUser));
    }

    /** utime, stime, cutime, cstime in clock ticks from /proc/self/stat, or null. */
    private static long[] procStatTimes() {
        String stat = readFirstLine("/proc/self/stat");
        if (stat == null) {
            return null;
        }
        try {
            // the command name is parenthesised and may hold spaces: fields count from after its ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                Long.parseLong(f[14])};
        } catch (RuntimeException ex) {
            return null;
        }
    }

    // ---- errorstats, commandstats, latencystats, keyspace ----

    private static void errorstats(Engine e, StringBuilder sb) {
        sb.append("# Errorstats\r\n");
        Stats s = e.stats();
        synchronized (s) {
            for (Map.Entry<String, long[]> entry : s.errorsByCode.entrySet()) {
                line(sb, "errorstat_" + entry.getKey(), "count=" + entry.getValue()[0]);
            }
        }
    }

    private static void keyspace(Engine e, StringBuilder sb) {
        sb.append("# Keyspace\r\n");
        Keyspace k = e.keyspace();
        for (int i = 0; i < k.count(); i++) {
            Database db = k.db(i);
            if (db.size() > 0) {
                line(sb, "db" + i, "keys=" + db.size() + ",expires=" + db.volatileSize() + ",avg_ttl=" + db.averageTtl());
            }
        }
    }

    /** Commands and then their subcommands, skipping those never called, failed or rejected. */
    private static void commandstats(Engine e, StringBuilder sb) {
        sb.append("# Commandstats\r\n");
        for (CommandSpec spec : e.commands().all()) {
            commandstat(spec, sb);
            for (CommandSpec sub : CommandTable.subcommands(spec)) {
                commandstat(sub, sb);
            }
        }
    }

    private static void commandstat(CommandSpec spec, StringBuilder sb) {
        if (spec.calls == 0 && spec.failedCalls == 0 && spec.rejectedCalls == 0) {
            return;
        }
        long usec = spec.nanos / 1000;
        sb.append("cmdstat_").append(spec.fullName).append(":calls=").append(spec.calls)
                .append(",usec=").append(usec)
                .append(",usec_per_call=").append(fixed("%.2f", spec.calls == 0 ? 0 : (double) usec / spec.calls))
                .append(",rejected_calls=").append(spec.rejectedCalls)
                .append(",failed_calls=").append(spec.failedCalls).append("\r\n");
    }

    /** Per command with a histogram, the configured percentiles in microseconds; nothing when tracking is off. */
    private static void latencystats(Engine e, StringBuilder sb) {
        sb.append("# Latencystats\r\n");
        if (!e.latencyTracking().enabled()) {
            return;
        }
        double[] percentiles = e.latencyTracking().percentiles();
        for (CommandSpec spec : e.commands().all()) {
            latencystat(spec, percentiles, sb);
            for (CommandSpec sub : CommandTable.subcommands(spec)) {
                latencystat(sub, percentiles, sb);
            }
        }
    }

    private static void latencystat(CommandSpec spec, double[] percentiles, StringBuilder sb) {
        LatencyHistogram h = spec.latency;
        if (h == null) {
            return;
        }
        sb.append("latency_percentiles_usec_").append(spec.fullName).append(':');
        for (int j = 0; j < percentiles.length; j++) {
            if (j > 0) {
                sb.append(',');
            }
            sb.append('p').append(percentileName(percentiles[j])).append('=')
                    .append(fixed("%.3f", h.valueAtPercentile(percentiles[j]) / 1000.0));
        }
        sb.append("\r\n");
    }

    /** sprintf("%f") then trimDoubleString: 50 → "50", 99.9 → "99.9". */
    static String percentileName(double p) {
        String s = String.format(Locale.ROOT, "%f", p);
        if (s.indexOf('.') >= 0) {
            int end = s.length();
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
            s = s.substring(0, end);
        }
        return s;
    }
}
