package io.cinnabar.server.persist;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The multi-part AOF manifest of Redis 7.0: at most one base file, the history files waiting to be deleted and the
 * incr files in sequence order, parsed and written as aof.c does (aofLoadManifestFromFile, getAofManifestAsString,
 * aofInfoFormat with sdscatrepr quoting, sdssplitargs for reading), and the naming rules for new base and incr
 * files. Ported from Redis 7.0.15's aof.c and sds.c (BSD-3-Clause, see NOTICE). File names are kept as
 * ISO-8859-1 strings, one char per byte. Not thread-safe: owned by the executor.
 */
public final class AofManifest {
    public static final char BASE = 'b';
    public static final char HISTORY = 'h';
    public static final char INCR = 'i';
    /** MANIFEST_MAX_LINE. */
    static final int MAX_LINE = 1024;

    /** One line: a file, its sequence number and its type. */
    public static final class Info {
        public final String name;
        public final long seq;
        public final char type;

        Info(String name, long seq, char type) {
            this.name = name;
            this.seq = seq;
            this.type = type;
        }

        Info as(char newType) {
            return new Info(name, seq, newType);
        }
    }

    /** A manifest Redis refuses to start from; the message is Redis's reason, the line is where it was. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        public final int lineNumber;
        public final String line;
        public final String reason;

        Invalid(String reason, int lineNumber, String line) {
            super(reason + (line == null ? "" : " (at line " + lineNumber + ": '" + line + "')"), null, false,
                    false);
            this.reason = reason;
            this.lineNumber = lineNumber;
            this.line = line;
        }
    }

    Info base;
    final List<Info> history = new ArrayList<>();
    final List<Info> incr = new ArrayList<>();
    long currentBaseSeq;
    long currentIncrSeq;
    /** Changed since it was last written. */
    boolean dirty;

    public Info base() {
        return base;
    }

    public List<Info> history() {
        return history;
    }

    public List<Info> incr() {
        return incr;
    }

    public boolean isEmpty() {
        return base == null && incr.isEmpty();
    }

    public AofManifest copy() {
        AofManifest m = new AofManifest();
        m.base = base;
        m.history.addAll(history);
        m.incr.addAll(incr);
        m.currentBaseSeq = currentBaseSeq;
        m.currentIncrSeq = currentIncrSeq;
        m.dirty = dirty;
        return m;
    }

    // ---- names ----

    public static String manifestName(String appendfilename) {
        return appendfilename + ".manifest";
    }

    public static String tempManifestName(String appendfilename) {
        return "temp-" + appendfilename + ".manifest";
    }

    /** getTempIncrAofName: where writes go while CONFIG SET appendonly yes waits for its first rewrite. */
    public static String tempIncrName(String appendfilename) {
        return "temp-" + appendfilename + ".incr";
    }

    /** getNewBaseFileNameAndMarkPreAsHistory: the next base file; the current one becomes history. */
    public String newBase(String appendfilename, boolean rdbPreamble) {
        if (base != null) {
            history.add(0, base.as(HISTORY));
        }
        currentBaseSeq++;
        base = new Info(appendfilename + "." + currentBaseSeq + ".base" + (rdbPreamble ? ".rdb" : ".aof"),
                currentBaseSeq, BASE);
        dirty = true;
        return base.name;
    }

    /** getNewIncrAofName. */
    public String newIncr(String appendfilename) {
        currentIncrSeq++;
        Info ai = new Info(appendfilename + "." + currentIncrSeq + ".incr.aof", currentIncrSeq, INCR);
        incr.add(ai);
        dirty = true;
        return ai.name;
    }

    /** getLastIncrAofName: the last incr file, or a new one when there is none. */
    public String lastIncr(String appendfilename) {
        if (incr.isEmpty()) {
            return newIncr(appendfilename);
        }
        return incr.get(incr.size() - 1).name;
    }

    /**
     * markRewrittenIncrAofAsHistory: after a rewrite every incr file the new base covers becomes history; with
     * the AOF open the last one is the file being written and stays.
     */
    public void markRewrittenIncrAsHistory(boolean aofOpen) {
        if (incr.isEmpty()) {
            return;
        }
        int keep = aofOpen ? 1 : 0;
        while (incr.size() > keep) {
            // listRewindTail then listAddNodeHead: history ends up in ascending order, before older history
            Info ai = incr.remove(incr.size() - 1 - keep);
            history.add(0, ai.as(HISTORY));
        }
        dirty = true;
    }

    /** The legacy single file migrated as the base (aofUpgradePrepare). */
    public void upgradeFrom(String appendfilename) {
        base = new Info(appendfilename, 1, BASE);
        currentBaseSeq = 1;
        dirty = true;
    }

    // ---- writing ----

    /** getAofManifestAsString: base first, then history, then incr files, one {@code \n}-ended line each. */
    public byte[] format() {
        StringBuilder sb = new StringBuilder();
        if (base != null) {
            formatLine(sb, base);
        }
        for (Info ai : history) {
            formatLine(sb, ai);
        }
        for (Info ai : incr) {
            formatLine(sb, ai);
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void formatLine(StringBuilder sb, Info ai) {
        sb.append("file ");
        if (needsRepr(ai.name)) {
            // names are held one char per byte (ISO-8859-1), as the manifest is read
            io.cinnabar.server.exec.Engine.appendRepr(sb, ai.name.getBytes(StandardCharsets.ISO_8859_1));
        } else {
            sb.append(ai.name);
        }
        sb.append(" seq ").append(ai.seq).append(" type ").append(ai.type).append('\n');
    }

    /** sdsneedsrepr: a backslash, a quote, white space or a byte isprint() refuses. */
    static boolean needsRepr(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == '"' || c < 33 || c > 126) {
                return true;
            }
        }
        return false;
    }


    // ---- reading ----

    /** aofLoadManifestFromFile over the file's bytes: the fatal cases throw {@link Invalid} with Redis's text. */
    public static AofManifest parse(byte[] content) throws Invalid {
        AofManifest am = new AofManifest();
        long maxSeq = 0;
        int lineNumber = 0;
        int pos = 0;
        while (true) {
            if (pos >= content.length) {
                if (lineNumber == 0) {
                    throw new Invalid("Found an empty AOF manifest", 0, null);
                }
                break;
            }
            // fgets with a MAX_LINE+1 buffer: at most MAX_LINE bytes, up to and including a newline
            int end = pos;
            int limit = Math.min(content.length, pos + MAX_LINE);
            while (end < limit && content[end] != '\n') {
                end++;
            }
            boolean newline = end < content.length && end < limit && content[end] == '\n';
            int next = newline ? end + 1 : end;
            String raw = new String(content, pos, next - pos, StandardCharsets.ISO_8859_1);
            pos = next;
            lineNumber++;
            if (raw.charAt(0) == '#') {
                continue;
            }
            if (!newline) {
                throw new Invalid("The AOF manifest file contains too long line", lineNumber, null);
            }
            String line = trim(raw);
            if (line.isEmpty()) {
                throw new Invalid("Invalid AOF manifest file format", lineNumber, line);
            }
            List<String> argv = splitArgs(line);
            if (argv == null || argv.size() < 6 || (argv.size() % 2) != 0) {
                throw new Invalid("Invalid AOF manifest file format", lineNumber, line);
            }
            String name = null;
            long seq = 0;
            char type = 0;
            for (int i = 0; i < argv.size(); i += 2) {
                String key = argv.get(i);
                String value = argv.get(i + 1);
                if (key.equalsIgnoreCase("file")) {
                    name = value;
                    if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
                        throw new Invalid("File can't be a path, just a filename", lineNumber, line);
                    }
                } else if (key.equalsIgnoreCase("seq")) {
                    seq = atoll(value);
                } else if (key.equalsIgnoreCase("type")) {
                    type = value.isEmpty() ? 0 : value.charAt(0);
                }
            }
            if (name == null || seq == 0 || type == 0) {
                throw new Invalid("Invalid AOF manifest file format", lineNumber, line);
            }
            Info ai = new Info(name, seq, type);
            if (type == BASE) {
                if (am.base != null) {
                    throw new Invalid("Found duplicate base file information", lineNumber, line);
                }
                am.base = ai;
                am.currentBaseSeq = seq;
            } else if (type == HISTORY) {
                am.history.add(ai);
            } else if (type == INCR) {
                if (seq <= maxSeq) {
                    throw new Invalid("Found a non-monotonic sequence number", lineNumber, line);
                }
                am.incr.add(ai);
                am.currentIncrSeq = seq;
                maxSeq = seq;
            } else {
                throw new Invalid("Unknown AOF file type", lineNumber, line);
            }
        }
        return am;
    }

    /** sdstrim(line, " \t\r\n"). */
    private static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && " \t\r\n".indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && " \t\r\n".indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }

    /** C's isspace in the C locale. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 11 || c == 12;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** sdssplitargs: null for unbalanced quotes or a closing quote not followed by a space. */
    static List<String> splitArgs(String line) {
        List<String> out = new ArrayList<>();
        int p = 0;
        int n = line.length();
        while (true) {
            while (p < n && isSpace(line.charAt(p))) {
                p++;
            }
            if (p >= n) {
                return out;
            }
            boolean inq = false;
            boolean insq = false;
            boolean done = false;
            StringBuilder current = new StringBuilder();
            while (!done) {
                char c = p < n ? line.charAt(p) : 0;
                char c1 = p + 1 < n ? line.charAt(p + 1) : 0;
                if (inq) {
                    if (c == '\\' && c1 == 'x' && p + 3 < n && isHex(line.charAt(p + 2)) && isHex(line.charAt(p + 3))) {
                        current.append((char) Integer.parseInt(line.substring(p + 2, p + 4), 16));
                        p += 3;
                    } else if (c == '\\' && c1 != 0) {
                        p++;
                        current.append(switch (c1) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> (char) 7;
                            default -> c1;
                        });
                    } else if (c == '"') {
                        if (c1 != 0 && !isSpace(c1)) {
                            return null;
                        }
                        done = true;
                    } else if (c == 0) {
                        return null;
                    } else {
                        current.append(c);
                    }
                } else if (insq) {
                    if (c == '\\' && c1 == '\'') {
                        p++;
                        current.append('\'');
                    } else if (c == '\'') {
                        if (c1 != 0 && !isSpace(c1)) {
                            return null;
                        }
                        done = true;
                    } else if (c == 0) {
                        return null;
                    } else {
                        current.append(c);
                    }
                } else {
                    switch (c) {
                        case ' ', '\n', '\r', '\t', 0 -> done = true;
                        case '"' -> inq = true;
                        case '\'' -> insq = true;
                        default -> current.append(c);
                    }
                }
                if (p < n) {
                    p++;
                }
            }
            out.add(current.toString());
        }
    }

    /** atoll: leading white space, a sign, digits up to the first other character; 0 when there are none. */
    static long atoll(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return negative ? -v : v;
    }
}
