package io.cinnabar.server.command;

import io.cinnabar.server.db.Database;
import io.cinnabar.server.db.Keyspace;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Config;
import io.cinnabar.server.exec.Engine;
import io.cinnabar.server.exec.Stats;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** INFO, with Redis 7.0's sections and the fields clients, dashboards and redis-cli read. */
final class InfoCommand {
    static final String REDIS_VERSION = "7.0.15";
    private static final String[] DEFAULT_SECTIONS = {"server", "clients", "memory", "persistence", "stats",
        "replication", "cpu", "modules", "errorstats", "cluster", "keyspace"};
    private static final String[] ALL_EXTRA = {"commandstats"};

    private InfoCommand() {
    }

    static void info(Client c) {
        Set<String> sections = new LinkedHashSet<>();
        if (c.argc == 1) {
            sections.addAll(java.util.List.of(DEFAULT_SECTIONS));
        }
        for (int i = 1; i < c.argc; i++) {
            String s = Args.string(c.argv[i]).toLowerCase(Locale.ROOT);
            switch (s) {
                case "default" -> sections.addAll(java.util.List.of(DEFAULT_SECTIONS));
                case "all", "everything" -> {
                    sections.addAll(java.util.List.of(DEFAULT_SECTIONS));
                    sections.addAll(java.util.List.of(ALL_EXTRA));
                }
                default -> sections.add(s);
            }
        }
        String text = generate(c.engine, sections);
        c.reply.verbatim("txt", text.getBytes(StandardCharsets.UTF_8));
    }

    /** The INFO text for these sections, in Redis's section order. */
    static String generate(Engine e, Set<String> sections) {
        StringBuilder sb = new StringBuilder(4096);
        int emitted = 0;
        String[] order = {"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules",
            "errorstats", "cluster", "keyspace", "commandstats"};
        for (String section : order) {
            if (!sections.contains(section)) {
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
                case "cpu" -> cpu(sb);
                case "modules" -> sb.append("# Modules\r\n");
                case "errorstats" -> errorstats(e, sb);
                case "cluster" -> sb.append("# Cluster\r\ncluster_enabled:0\r\n");
                case "keyspace" -> keyspace(e, sb);
                case "commandstats" -> commandstats(e, sb);
                default -> {
                }
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, Object value) {
        sb.append(key).append(':').append(value).append("\r\n");
    }

    private static void server(Engine e, StringBuilder sb) {
        Config config = e.config();
        long now = e.clock().millis();
        long uptime = (now - e.startedAt()) / 1000;
        sb.append("# Server\r\n");
        line(sb, "redis_version", REDIS_VERSION);
        line(sb, "redis_git_sha1", "00000000");
        line(sb, "redis_git_dirty", 0);
        line(sb, "redis_build_id", "cinnabar");
        line(sb, "redis_mode", "standalone");
        line(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        line(sb, "arch_bits", 64);
        line(sb, "monotonic_clock", "POSIX clock_gettime");
        line(sb, "multiplexing_api", io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio");
        line(sb, "atomicvar_api", "c11-builtin");
        line(sb, "gcc_version", "0.0.0");
        line(sb, "process_id", ProcessHandle.current().pid());
        line(sb, "process_supervised", "no");
        line(sb, "run_id", e.runId());
        line(sb, "tcp_port", config.port());
        line(sb, "server_time_usec", e.clock().micros());
        line(sb, "uptime_in_seconds", uptime);
        line(sb, "uptime_in_days", uptime / 86400);
        line(sb, "hz", config.hz());
        line(sb, "configured_hz", config.configuredHz());
        line(sb, "lru_clock", e.keyspace().lruClock());
        line(sb, "executable", "java");
        line(sb, "config_file", config.configFile() == null ? "" : config.configFile());
        line(sb, "io_threads_active", 0);
        line(sb, "cinnabar_version", Engine.class.getPackage().getImplementationVersion() == null
                ? "dev" : Engine.class.getPackage().getImplementationVersion());
        line(sb, "java_version", System.getProperty("java.version"));
    }

    private static void clients(Engine e, StringBuilder sb) {
        int blocked = 0;
        for (Client c : e.clients()) {
            if (c.postponed()) {
                blocked++;
            }
        }
        sb.append("# Clients\r\n");
        line(sb, "connected_clients", e.clientCount());
        line(sb, "cluster_connections", 0);
        line(sb, "maxclients", e.config().maxclients());
        line(sb, "client_recent_max_input_buffer", 0);
        line(sb, "client_recent_max_output_buffer", 0);
        line(sb, "blocked_clients", blocked);
        line(sb, "tracking_clients", 0);
        line(sb, "clients_in_timeout_table", 0);
    }

    static String human(long bytes) {
        double d = bytes;
        if (bytes < 1024) {
            return bytes + "B";
        } else if (bytes < 1024L * 1024) {
            return String.format(Locale.ROOT, "%.2fK", d / 1024);
        } else if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.2fM", d / (1024 * 1024));
        } else if (bytes < 1024L * 1024 * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.2fG", d / (1024L * 1024 * 1024));
        }
        return String.format(Locale.ROOT, "%.2fT", d / (1024L * 1024 * 1024 * 1024));
    }

    private static void memory(Engine e, StringBuilder sb) {
        long used = Engine.usedMemory();
        long peak = Math.max(used, e.stats().peakMemory);
        Runtime rt = Runtime.getRuntime();
        long total = rt.totalMemory();
        sb.append("# Memory\r\n");
        line(sb, "used_memory", used);
        line(sb, "used_memory_human", human(used));
        line(sb, "used_memory_rss", total);
        line(sb, "used_memory_rss_human", human(total));
        line(sb, "used_memory_peak", peak);
        line(sb, "used_memory_peak_human", human(peak));
        line(sb, "used_memory_peak_perc", String.format(Locale.ROOT, "%.2f%%", peak == 0 ? 100.0 : used * 100.0 / peak));
        line(sb, "total_system_memory", rt.maxMemory());
        line(sb, "total_system_memory_human", human(rt.maxMemory()));
        line(sb, "used_memory_lua", 0);
        line(sb, "used_memory_scripts", 0);
        line(sb, "maxmemory", 0);
        line(sb, "maxmemory_human", "0B");
        line(sb, "maxmemory_policy", "noeviction");
        line(sb, "mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", used == 0 ? 1.0 : (double) total / used));
        line(sb, "mem_allocator", "jvm");
        line(sb, "lazyfree_pending_objects", 0);
    }

    private static void persistence(Engine e, StringBuilder sb) {
        sb.append("# Persistence\r\n");
        line(sb, "loading", 0);
        line(sb, "async_loading", 0);
        line(sb, "current_cow_peak", 0);
        line(sb, "current_cow_size", 0);
        line(sb, "current_fork_perc", "0.00");
        line(sb, "current_save_keys_processed", 0);
        line(sb, "current_save_keys_total", 0);
        line(sb, "rdb_changes_since_last_save", e.keyspace().dirty);
        line(sb, "rdb_bgsave_in_progress", 0);
        line(sb, "rdb_last_save_time", e.lastSave());
        line(sb, "rdb_last_bgsave_status", "ok");
        line(sb, "rdb_last_bgsave_time_sec", -1);
        line(sb, "rdb_current_bgsave_time_sec", -1);
        line(sb, "aof_enabled", 0);
        line(sb, "aof_rewrite_in_progress", 0);
        line(sb, "aof_rewrite_scheduled", 0);
        line(sb, "aof_last_rewrite_time_sec", -1);
        line(sb, "aof_current_rewrite_time_sec", -1);
        line(sb, "aof_last_bgrewrite_status", "ok");
        line(sb, "aof_last_write_status", "ok");
        line(sb, "module_fork_in_progress", 0);
        line(sb, "module_fork_last_cow_size", 0);
    }

    private static void stats(Engine e, StringBuilder sb) {
        Stats s = e.stats();
        Keyspace k = e.keyspace();
        sb.append("# Stats\r\n");
        line(sb, "total_connections_received", s.connectionsReceived);
        line(sb, "total_commands_processed", s.commandsProcessed);
        line(sb, "instantaneous_ops_per_sec", s.instantaneousOps());
        line(sb, "total_net_input_bytes", s.netInputBytes);
        line(sb, "total_net_output_bytes", s.netOutputBytes);
        line(sb, "instantaneous_input_kbps", String.format(Locale.ROOT, "%.2f", s.instantaneousInputKbps()));
        line(sb, "instantaneous_output_kbps", String.format(Locale.ROOT, "%.2f", s.instantaneousOutputKbps()));
        line(sb, "rejected_connections", s.rejectedConnections);
        line(sb, "sync_full", 0);
        line(sb, "sync_partial_ok", 0);
        line(sb, "sync_partial_err", 0);
        line(sb, "expired_keys", k.expiredKeys);
        line(sb, "expired_stale_perc", String.format(Locale.ROOT, "%.2f", k.expiredStalePercent * 100));
        line(sb, "expired_time_cap_reached_count", k.expiredTimeCapReached);
        line(sb, "expire_cycle_cpu_milliseconds", 0);
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
        line(sb, "tracking_total_keys", 0);
        line(sb, "tracking_total_items", 0);
        line(sb, "tracking_total_prefixes", 0);
        line(sb, "unexpected_error_replies", 0);
        line(sb, "total_error_replies", s.errorReplies);
        line(sb, "dump_payload_sanitizations", 0);
        line(sb, "total_reads_processed", s.readsProcessed);
        line(sb, "total_writes_processed", 0);
        line(sb, "io_threaded_reads_processed", 0);
        line(sb, "io_threaded_writes_processed", 0);
        line(sb, "reply_buffer_shrinks", 0);
        line(sb, "reply_buffer_expands", 0);
    }

    private static void replication(Engine e, StringBuilder sb) {
        sb.append("# Replication\r\n");
        line(sb, "role", "master");
        line(sb, "connected_slaves", 0);
        line(sb, "master_failover_state", "no-failover");
        line(sb, "master_replid", e.runId());
        line(sb, "master_replid2", "0000000000000000000000000000000000000000");
        line(sb, "master_repl_offset", 0);
        line(sb, "second_repl_offset", -1);
        line(sb, "repl_backlog_active", 0);
        line(sb, "repl_backlog_size", 1048576);
        line(sb, "repl_backlog_first_byte_offset", 0);
        line(sb, "repl_backlog_histlen", 0);
    }

    private static void cpu(StringBuilder sb) {
        double user = 0;
        double sys = 0;
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            user = sun.getProcessCpuTime() / 1e9;
        }
        var threads = ManagementFactory.getThreadMXBean();
        double mainUser = 0;
        double mainTotal = 0;
        if (threads.isCurrentThreadCpuTimeSupported()) {
            mainUser = threads.getCurrentThreadUserTime() / 1e9;
            mainTotal = threads.getCurrentThreadCpuTime() / 1e9;
        }
        sb.append("# CPU\r\n");
        line(sb, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", sys));
        line(sb, "used_cpu_user", String.format(Locale.ROOT, "%.6f", user));
        line(sb, "used_cpu_sys_children", "0.000000");
        line(sb, "used_cpu_user_children", "0.000000");
        line(sb, "used_cpu_sys_main_thread", String.format(Locale.ROOT, "%.6f", mainTotal - mainUser));
        line(sb, "used_cpu_user_main_thread", String.format(Locale.ROOT, "%.6f", mainUser));
    }

    private static void errorstats(Engine e, StringBuilder sb) {
        sb.append("# Errorstats\r\n");
        for (Map.Entry<String, long[]> entry : e.stats().errorsByCode.entrySet()) {
            line(sb, "errorstat_" + entry.getKey(), "count=" + entry.getValue()[0]);
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
        line(sb, "cmdstat_" + spec.fullName, "calls=" + spec.calls + ",usec=" + spec.micros + ",usec_per_call="
                + String.format(Locale.ROOT, "%.2f", spec.calls == 0 ? 0 : (double) spec.micros / spec.calls)
                + ",rejected_calls=" + spec.rejectedCalls + ",failed_calls=" + spec.failedCalls);
    }
}
