package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.protocol.RespValue;
import io.cinnabar.server.testing.ServerTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class InfoCommandTest extends ServerTest {
    /** Sections whose lines depend on what ran (commands, errors, keys): only their headers are compared. */
    private static final List<String> HISTORY_SECTIONS = List.of("Commandstats", "Errorstats", "Latencystats",
            "Keyspace");

    private String info(String... sections) {
        String[] args = new String[sections.length + 1];
        args[0] = "INFO";
        System.arraycopy(sections, 0, args, 1, sections.length);
        return RespValue.parse(call(args).getBytes(StandardCharsets.UTF_8)).text();
    }

    /** Section title → field names, in order, of an INFO text. */
    static Map<String, List<String>> fields(String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : text.split("\r\n")) {
            if (line.startsWith("# ")) {
                current = new ArrayList<>();
                out.put(line.substring(2), current);
            } else if (!line.isEmpty()) {
                current.add(line.substring(0, line.indexOf(':')));
            }
        }
        return out;
    }

    private static Map<String, List<String>> recordedFromRedis() throws IOException {
        try (InputStream in = InfoCommandTest.class.getResourceAsStream("/info-fields-redis-7.0.15.txt")) {
            Map<String, List<String>> out = new LinkedHashMap<>();
            List<String> current = null;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("//") || line.isBlank()) {
                    continue;
                }
                if (line.startsWith("# ")) {
                    current = new ArrayList<>();
                    out.put(line.substring(2), current);
                } else {
                    current.add(line);
                }
            }
            return out;
        }
    }

    private static String value(String info, String field) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(field) + ":([^\r\n]*)").matcher(info);
        assertTrue(m.find(), field + " in\n" + info);
        return m.group(1);
    }

    @Test
    void everythingHasRedisSectionsAndFieldsInRedisOrder() throws IOException {
        Map<String, List<String>> expected = recordedFromRedis();
        for (String arg : new String[] {"everything", "all", "ALL"}) {
            Map<String, List<String>> ours = fields(info(arg));
            assertEquals(List.copyOf(expected.keySet()), List.copyOf(ours.keySet()), arg);
            for (Map.Entry<String, List<String>> section : expected.entrySet()) {
                if (!HISTORY_SECTIONS.contains(section.getKey())) {
                    assertEquals(section.getValue(), ours.get(section.getKey()), section.getKey());
                }
            }
        }
    }

    @Test
    void sectionArgumentsAsRedis70() {
        List<String> defaults = List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                "Modules", "Errorstats", "Cluster", "Keyspace");
        assertEquals(defaults, List.copyOf(fields(info()).keySet()));
        assertEquals(defaults, List.copyOf(fields(info("default")).keySet()));
        List<String> withCommandstats = new ArrayList<>(defaults);
        withCommandstats.add(8, "Commandstats");
        assertEquals(withCommandstats, List.copyOf(fields(info("commandstats", "default")).keySet()));
        assertEquals(List.of("Server", "Keyspace"), List.copyOf(fields(info("keyspace", "SERVER")).keySet()));
        assertEquals(List.of("Modules"), List.copyOf(fields(info("modules")).keySet()));
        assertEquals(List.of("Modules"), List.copyOf(fields(info("module_list")).keySet()));
        assertEquals(List.of("Latencystats"), List.copyOf(fields(info("latencystats")).keySet()));
        assertEquals("", info("nosuchsection"));
        assertTrue(info("server", "clients").contains("io_threads_active:0\r\n\r\n# Clients\r\n"));
    }

    @Test
    void serverFieldsAreTrue() throws Exception {
        String info = info("server");
        assertEquals(Long.toString(ProcessHandle.current().pid()), value(info, "process_id"));
        assertEquals(Integer.toString(server.port()), value(info, "tcp_port"));
        assertEquals("64", value(info, "arch_bits"));
        assertEquals("no", value(info, "process_supervised"));
        assertTrue(value(info, "run_id").matches("[0-9a-f]{40}"));
        assertEquals(ProcessHandle.current().info().command().orElseThrow(), value(info, "executable"));
        long micros = Long.parseLong(value(info, "server_time_usec"));
        assertTrue(Math.abs(micros / 1000 - System.currentTimeMillis()) < 5000);
        assertEquals(Long.toString((micros / 1_000_000) & 0xFFFFFF), value(info, "lru_clock"));
        String uname = uname();
        if (uname != null) {
            assertEquals(uname, value(info, "os"));
        }
        String replication = info("replication");
        assertTrue(value(replication, "master_replid").matches("[0-9a-f]{40}"));
        assertNotEquals(value(info, "run_id"), value(replication, "master_replid"));
    }

    private static String uname() throws Exception {
        try {
            Process p = new ProcessBuilder("uname", "-s", "-r", "-m").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null; // no uname here
        }
    }

    @Test
    void errorstatsCountEachPrefixSortedAsRedis() {
        call("CONFIG", "RESETSTAT");
        call("SET", "s", "v");
        call("GET");
        call("NOSUCHCOMMAND");
        call("INCR", "s");
        call("HELLO", "4");
        String info = info("errorstats", "stats");
        assertTrue(info.startsWith("# Stats\r\n"));
        assertTrue(info.endsWith("# Errorstats\r\nerrorstat_ERR:count=3\r\nerrorstat_NOPROTO:count=1\r\n"), info);
        assertEquals("4", value(info, "total_error_replies"));
        call("CONFIG", "RESETSTAT");
        assertTrue(info("errorstats").equals("# Errorstats\r\n"));
    }

    @Test
    void commandstatsCountCallsFailuresAndRejections() {
        call("CONFIG", "RESETSTAT");
        call("SET", "k", "v");
        call("GET", "k");
        call("GET", "k");
        call("GET");
        call("INCR", "k");
        call("CLIENT", "ID");
        String info = info("commandstats");
        assertTrue(Pattern.compile("cmdstat_get:calls=2,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=1,"
                + "failed_calls=0\r\n").matcher(info).find(), info);
        assertTrue(info.contains("cmdstat_incr:calls=1,"), info);
        assertTrue(Pattern.compile("cmdstat_incr:calls=1,usec=\\d+,usec_per_call=[0-9.]+,rejected_calls=0,"
                + "failed_calls=1\r\n").matcher(info).find(), info);
        assertTrue(info.contains("cmdstat_client|id:calls=1,"), info);
        assertTrue(!info.contains("cmdstat_client:"), "a container command has no line of its own");
    }

    @Test
    void latencystatsGivePercentilesPerCommandAsRedisFormatsThem() {
        call("CONFIG", "RESETSTAT");
        for (int i = 0; i < 20; i++) {
            call("SET", "k", "v");
        }
        call("CLIENT", "ID");
        String info = info("latencystats");
        assertTrue(info.startsWith("# Latencystats\r\n"));
        assertTrue(Pattern.compile("latency_percentiles_usec_set:p50=\\d+\\.\\d{3},p99=\\d+\\.\\d{3},"
                + "p99\\.9=\\d+\\.\\d{3}\r\n").matcher(info).find(), info);
        assertTrue(info.contains("latency_percentiles_usec_client|id:p50="), info);
        assertTrue(!info.contains("latency_percentiles_usec_get:"), info);
        if (call("CONFIG", "SET", "latency-tracking-info-percentiles", "0 50.5 100").equals("+OK\r\n")) {
            try {
                assertTrue(Pattern.compile("latency_percentiles_usec_set:p0=[0-9.]+,p50\\.5=[0-9.]+,p100=[0-9.]+\r\n")
                        .matcher(info("latencystats")).find());
            } finally {
                call("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9");
            }
        }
        if (call("CONFIG", "SET", "latency-tracking", "no").equals("+OK\r\n")) {
            try {
                assertEquals("# Latencystats\r\n", info("latencystats"));
            } finally {
                call("CONFIG", "SET", "latency-tracking", "yes");
            }
        }
        assertEquals("50", InfoCommand.percentileName(50));
        assertEquals("99.9", InfoCommand.percentileName(99.9));
        assertEquals("99.99", InfoCommand.percentileName(99.99));
    }

    @Test
    void statsCountReadsWritesAndCpuIsMeasured() {
        String before = info("stats");
        call("PING");
        String after = info("stats", "cpu");
        assertTrue(Long.parseLong(value(after, "total_writes_processed"))
                > Long.parseLong(value(before, "total_writes_processed")));
        assertTrue(Long.parseLong(value(after, "total_reads_processed"))
                > Long.parseLong(value(before, "total_reads_processed")));
        assertTrue(Double.parseDouble(value(after, "used_cpu_user")) > 0);
        assertTrue(Double.parseDouble(value(after, "used_cpu_user_main_thread"))
                + Double.parseDouble(value(after, "used_cpu_sys_main_thread")) > 0);
        assertTrue(value(after, "used_cpu_sys").matches("\\d+\\.\\d{6}"));
        String memory = info("memory");
        assertTrue(Long.parseLong(value(memory, "used_memory")) > 0);
        assertTrue(Long.parseLong(value(memory, "used_memory_rss")) > 0);
        assertTrue(Long.parseLong(value(memory, "total_system_memory")) > 0);
        assertTrue(value(memory, "used_memory_peak_perc").matches("\\d+\\.\\d\\d%"));
        assertTrue(Long.parseLong(value(memory, "mem_clients_normal")) > 0);
        assertEquals("0", value(memory, "maxmemory"));
        assertEquals("noeviction", value(memory, "maxmemory_policy"));
    }
}
