package io.cinnabar.server.exec;

import java.util.Locale;

/** The parsers and rewriters of config.c's special parameters (save, client-output-buffer-limit, bind, ...). */
final class SpecialValues {
    static final String OBUF_DEFAULT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
    private static final String[] OBUF_CLASSES = {"normal", "slave", "pubsub"};

    private SpecialValues() {
    }

    /** setConfigSaveOption's checks: pairs of seconds (at least 1) and changes (at least 0). */
    static String save(String[] args) throws Config.InvalidValue {
        if (args.length == 1 && args[0].isEmpty()) {
            args = new String[0];
        }
        if (args.length % 2 != 0) {
            throw new Config.InvalidValue("Invalid save parameters");
        }
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < args.length; j++) {
            Long v = MemoryUnits.strtoll(args[j], 10);
            if (v == null || (j % 2 == 0 && v < 1) || (j % 2 == 1 && v < 0)) {
                throw new Config.InvalidValue("Invalid save parameters");
            }
            if (j > 0) {
                sb.append(' ');
            }
            sb.append(j % 2 == 0 ? v : (long) (int) (long) v);
        }
        return sb.toString();
    }

    /** rewriteConfigSaveOption: a line per save point, or {@code save ""} so that the defaults do not come back. */
    static void rewriteSave(ConfigParam.Special p, ConfigRewrite out) {
        if (p.value.isBlank()) {
            out.line(p.name, "save \"\"", true);
            return;
        }
        String[] v = p.value.trim().split(" ");
        for (int i = 0; i + 1 < v.length; i += 2) {
            out.line(p.name, "save " + v[i] + " " + v[i + 1], true);
        }
    }

    /** setConfigClientOutputBufferLimitOption: groups of class, hard limit, soft limit, soft seconds. */
    static String outputBufferLimit(String current, String[] args) throws Config.InvalidValue {
        if (args.length % 4 != 0) {
            throw new Config.InvalidValue("Wrong number of arguments in buffer limit configuration.");
        }
        String[] values = current.split(" ");
        for (int j = 0; j < args.length; j += 4) {
            int cls = switch (args[j].toLowerCase(Locale.ROOT)) {
                case "normal" -> 0;
                case "slave", "replica" -> 1;
                case "pubsub" -> 2;
                default -> -1;
            };
            if (cls < 0) {
                throw new Config.InvalidValue("Invalid client class specified in buffer limit configuration.");
            }
            Long hard = MemoryUnits.parse(args[j + 1]);
            Long soft = MemoryUnits.parse(args[j + 2]);
            Long seconds = MemoryUnits.strtoll(args[j + 3], 10);
            if (hard == null || soft == null || seconds == null || seconds < 0) {
                throw new Config.InvalidValue("Error in hard, soft or soft_seconds setting in buffer limit "
                        + "configuration.");
            }
            values[cls * 4 + 1] = Long.toUnsignedString(hard);
            values[cls * 4 + 2] = Long.toUnsignedString(soft);
            values[cls * 4 + 3] = Long.toString(seconds);
        }
        return String.join(" ", values);
    }

    /** One line per class, each written when it differs from the default (a replica's class says "replica"). */
    static void rewriteOutputBufferLimit(ConfigParam.Special p, ConfigRewrite out) {
        String[] v = p.value.split(" ");
        String[] d = OBUF_DEFAULT.split(" ");
        for (int c = 0; c < OBUF_CLASSES.length; c++) {
            int at = c * 4;
            boolean force = !(v[at + 1].equals(d[at + 1]) && v[at + 2].equals(d[at + 2]) && v[at + 3].equals(d[at + 3]));
            String type = c == 1 ? "replica" : OBUF_CLASSES[c];
            out.line(p.name, p.name + " " + type + " " + ConfigRewrite.memory(Long.parseUnsignedLong(v[at + 1])) + " "
                    + ConfigRewrite.memory(Long.parseUnsignedLong(v[at + 2])) + " " + v[at + 3], force);
        }
    }

    /** setConfigOOMScoreAdjValuesOption: three values between -2000 and 2000. */
    static String oomScoreAdjValues(String[] args) throws Config.InvalidValue {
        if (args.length != 3) {
            throw new Config.InvalidValue("wrong number of arguments");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            Long v = MemoryUnits.strtoll(args[i], 10);
            if (v == null || v < -2000 || v > 2000) {
                throw new Config.InvalidValue("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
            }
            sb.append(i > 0 ? " " : "").append(v);
        }
        return sb.toString();
    }

    // notify.c's classes
    private static final int GENERIC = 1 << 2;
    private static final int STRING = 1 << 3;
    private static final int LIST = 1 << 4;
    private static final int SET = 1 << 5;
    private static final int HASH = 1 << 6;
    private static final int ZSET = 1 << 7;
    private static final int EXPIRED = 1 << 8;
    private static final int EVICTED = 1 << 9;
    private static final int STREAM = 1 << 10;
    private static final int KEY_MISS = 1 << 11;
    private static final int MODULE = 1 << 12;
    private static final int NEW = 1 << 13;
    private static final int KEYSPACE = 1;
    private static final int KEYEVENT = 1 << 1;
    private static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    /** keyspaceEventsStringToFlags then keyspaceEventsFlagsToString, so the value shows as Redis shows it. */
    static String keyspaceEvents(String[] args) throws Config.InvalidValue {
        if (args.length != 1) {
            throw new Config.InvalidValue("wrong number of arguments");
        }
        int flags = keyspaceEventFlags(args[0]);
        StringBuilder sb = new StringBuilder();
        if ((flags & ALL) == ALL) {
            sb.append('A');
        } else {
            int[] bits = {GENERIC, STRING, LIST, SET, HASH, ZSET, EXPIRED, EVICTED, STREAM, MODULE, NEW};
            String marks = "g$lshzxetdn";
            for (int i = 0; i < bits.length; i++) {
                if ((flags & bits[i]) != 0) {
                    sb.append(marks.charAt(i));
                }
            }
        }
        if ((flags & KEYSPACE) != 0) {
            sb.append('K');
        }
        if ((flags & KEYEVENT) != 0) {
            sb.append('E');
        }
        if ((flags & KEY_MISS) != 0) {
            sb.append('m');
        }
        return sb.toString();
    }

    /**
     * keyspaceEventsStringToFlags: Redis's NOTIFY_* bits (K and E in the two low bits). The value shown drops 'n'
     * when 'A' is there, but the flag holds, as in Redis 7.0.
     */
    static int keyspaceEventFlags(String value) throws Config.InvalidValue {
        int flags = 0;
        for (char c : value.toCharArray()) {
            flags |= switch (c) {
                case 'A' -> ALL;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 't' -> STREAM;
                case 'm' -> KEY_MISS;
                case 'd' -> MODULE;
                case 'n' -> NEW;
                default -> throw new Config.InvalidValue("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            };
        }
        return flags;
    }

    /** setConfigBindOption: up to 16 addresses; a single empty one means none. */
    static String bind(String[] args) throws Config.InvalidValue {
        if (args.length > 16) {
            throw new Config.InvalidValue("Too many bind addresses specified.");
        }
        if (args.length == 1 && args[0].isEmpty()) {
            return "";
        }
        return String.join(" ", args);
    }

    static void rewriteBind(ConfigParam.Special p, ConfigRewrite out) {
        if (p.value.equals(Config.DEFAULT_BIND)) {
            out.processed(p.name);
            return;
        }
        out.line(p.name, p.name + " " + (p.value.isEmpty() ? "\"\"" : p.value), true);
    }

    /** setConfigReplicaOfOption: "no one", or a host and a port. */
    static String replicaOf(String[] args) throws Config.InvalidValue {
        if (args.length != 2) {
            throw new Config.InvalidValue("wrong number of arguments");
        }
        if (args[0].equalsIgnoreCase("no") && args[1].equalsIgnoreCase("one")) {
            return "";
        }
        Long port = MemoryUnits.strtoll(args[1], 10);
        if (port == null || port < 0 || port > 65535) {
            throw new Config.InvalidValue("Invalid master port");
        }
        return args[0] + " " + port;
    }

    /** setConfigLatencyTrackingInfoPercentilesOutputOption: numbers from 0 to 100, shown as "%f" trimmed. */
    static String percentiles(String[] args) throws Config.InvalidValue {
        if (args.length == 1 && args[0].isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            double d = string2d(a);
            if (d > 100.0 || d < 0.0) {
                throw new Config.InvalidValue("latency-tracking-info-percentiles parameters should sit between "
                        + "[0.0,100.0]");
            }
            String f = String.format(Locale.ROOT, "%f", d);
            if (f.indexOf('.') >= 0) { // trimDoubleString
                f = f.replaceAll("0+$", "");
                if (f.endsWith(".")) {
                    f = f.substring(0, f.length() - 1);
                }
            }
            sb.append(sb.length() > 0 ? " " : "").append(f);
        }
        return sb.toString();
    }

    /** string2d: strtod over the whole text, no leading space, no NaN. */
    private static double string2d(String s) throws Config.InvalidValue {
        String t = s.toLowerCase(Locale.ROOT);
        String body = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
        if (body.equals("inf") || body.equals("infinity")) {
            return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (s.isEmpty() || Character.isWhitespace(s.charAt(0)) || !t.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)(e[-+]?\\d+)?")) {
            throw new Config.InvalidValue("Invalid latency-tracking-info-percentiles parameters");
        }
        return Double.parseDouble(s);
    }
}
