package io.cinnabar.server.exec;

import io.cinnabar.protocol.bytes.Numbers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One configuration parameter, as config.c's standardConfig in Redis 7.0: a name, an optional alias, flags, a
 * value kind (bool, numeric, string, enum or a special one) with Redis's parsing, bounds and error texts, its
 * default, and the CONFIG REWRITE line it produces. A {@link #refuse refusal} rejects values whose behaviour
 * Cinnabar does not have yet, after Redis's own validation, with {@link Config#notSupported}'s text.
 * Not thread-safe: the executor owns it.
 */
public abstract class ConfigParam {
    static final int IMMUTABLE = 1;
    static final int PROTECTED = 2;
    static final int MULTI_ARG = 4;
    static final int HIDDEN = 8;
    static final int SENSITIVE = 16;
    /** Settable at startup, but Cinnabar cannot change it on a running server. */
    static final int FIXED_WHILE_RUNNING = 32;

    /** Accepts or refuses a value, given as CONFIG GET would show it. */
    interface Allowed {
        boolean test(String shown);
    }

    final String name;
    final String alias;
    final int flags;
    String defaultShown;
    private Allowed allowed;
    private String feature;

    ConfigParam(String name, String alias, int flags) {
        this.name = name;
        this.alias = alias;
        this.flags = flags;
    }

    public final String name() {
        return name;
    }

    /** The other name (Redis's older one, like {@code slave-read-only}), or null. */
    public final String alias() {
        return alias;
    }

    public final boolean mutable() {
        return (flags & IMMUTABLE) == 0;
    }

    public final boolean isProtected() {
        return (flags & PROTECTED) != 0;
    }

    public final boolean hidden() {
        return (flags & HIDDEN) != 0;
    }

    /** What a change does to the running server, as config.c's apply functions: null if it worked, else why not. */
    public interface Apply {
        String apply();
    }

    private Apply apply;

    /** Sets what CONFIG SET runs after changing this parameter's value (the owner of the behaviour sets it). */
    public final void onApply(Apply apply) {
        this.apply = apply;
    }

    public final Apply applier() {
        return apply;
    }

    /** The value as CONFIG GET shows it. */
    public abstract String get();

    /** Parses and stores the arguments (validation first: nothing changes on error). */
    abstract void set(String[] args) throws Config.InvalidValue;

    /** Refuses every value {@code allowed} rejects, naming the missing feature. Returns this. */
    final ConfigParam refuse(Allowed allowed, String feature) {
        this.allowed = allowed;
        this.feature = feature;
        return this;
    }

    /** Called by the kinds with the parsed value, before they store it. */
    final void check(String shown) throws Config.InvalidValue {
        if (allowed != null && !allowed.test(shown)) {
            throw new Config.InvalidValue(Config.notSupported(feature));
        }
    }

    /** CONFIG SET: one argument, which a multi-argument parameter splits at each single space. */
    public final void setFromCommand(String value) throws Config.InvalidValue {
        String old = get();
        set(commandArgs(value));
        if ((flags & FIXED_WHILE_RUNNING) != 0 && !get().equals(old)) {
            set(commandArgs(old));
            throw new Config.InvalidValue(Config.notSupported("changing " + name + " on a running server"));
        }
    }

    private String[] commandArgs(String value) {
        if ((flags & MULTI_ARG) != 0) {
            return value.isEmpty() ? new String[0] : value.split(" ", -1);
        }
        return new String[] {value};
    }

    /** A config file line (or {@code --name value}, or the embedding builder): its arguments after the name. */
    public final void setFromFile(List<String> args) throws Config.InvalidValue {
        if ((flags & MULTI_ARG) == 0) {
            if (args.size() != 1) {
                throw new Config.InvalidValue("wrong number of arguments");
            }
            set(new String[] {args.get(0)});
        } else if (args.size() == 1 && !args.get(0).isEmpty()) {
            List<String> split = splitArgs(args.get(0)); // --save "3600 1 300 100" is one argument
            if (split == null) {
                throw new Config.InvalidValue("Unbalanced quotes in configuration line");
            }
            set(split.toArray(new String[0]));
        } else {
            set(args.toArray(new String[0]));
        }
    }

    /** Adds this parameter's lines to a CONFIG REWRITE. */
    void rewrite(ConfigRewrite out) {
        out.line(name, name + " " + get(), !get().equals(defaultShown));
    }

    /** sdssplitargs: spaces separate, double quotes take C escapes, single quotes are literal; null if unbalanced. */
    public static List<String> splitArgs(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            StringBuilder cur = new StringBuilder();
            boolean inDq = false;
            boolean inSq = false;
            while (true) {
                if (i >= n) {
                    if (inDq || inSq) {
                        return null;
                    }
                    break;
                }
                char c = line.charAt(i);
                if (inDq) {
                    if (c == '\\' && i + 3 < n && line.charAt(i + 1) == 'x' && isHex(line.charAt(i + 2))
                            && isHex(line.charAt(i + 3))) {
                        cur.append((char) Integer.parseInt(line.substring(i + 2, i + 4), 16));
                        i += 3;
                    } else if (c == '\\' && i + 1 < n) {
                        i++;
                        char e = line.charAt(i);
                        cur.append(switch (e) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> (char) 7;
                            default -> e;
                        });
                    } else if (c == '"') {
                        if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) {
                            return null; // closing quote must be followed by a space
                        }
                        i++;
                        break;
                    } else {
                        cur.append(c);
                    }
                } else if (inSq) {
                    if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
                        i++;
                        cur.append('\'');
                    } else if (c == '\'') {
                        if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) {
                            return null;
                        }
                        i++;
                        break;
                    } else {
                        cur.append(c);
                    }
                } else if (Character.isWhitespace(c)) {
                    break;
                } else if (c == '"') {
                    inDq = true;
                } else if (c == '\'') {
                    inSq = true;
                } else {
                    cur.append(c);
                }
                i++;
            }
            out.add(cur.toString());
        }
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** sdscatrepr: the value in double quotes with C escapes, as CONFIG REWRITE writes strings. */
    public static String repr(String s) {
        StringBuilder sb = new StringBuilder();
        Engine.appendRepr(sb, s.getBytes(StandardCharsets.UTF_8));
        return sb.toString();
    }

    // ---- the kinds ----

    /** createBoolConfig: yes or no, case-insensitively. */
    static final class Bool extends ConfigParam {
        boolean value;

        Bool(String name, String alias, int flags, boolean dflt) {
            super(name, alias, flags);
            this.value = dflt;
        }

        @Override
        public String get() {
            return value ? "yes" : "no";
        }

        @Override
        void set(String[] args) throws Config.InvalidValue {
            String v = args[0];
            boolean b;
            if (v.equalsIgnoreCase("yes")) {
                b = true;
            } else if (v.equalsIgnoreCase("no")) {
                b = false;
            } else {
                throw new Config.InvalidValue("argument must be 'yes' or 'no'");
            }
            check(b ? "yes" : "no");
            value = b;
        }
    }

    /** Value adjustment after parsing (updateHZ clamps). */
    interface Adjust {
        long apply(long v);
    }

    /**
     * createIntConfig and its unsigned, long long, size_t and memory siblings. Unsigned values (memory ones up to
     * 2^64-1) are kept in a long and compared and shown unsigned, as Redis does.
     */
    static final class Num extends ConfigParam {
        static final int PLAIN = 0;
        static final int MEMORY = 1;
        static final int PERCENT = 2;
        static final int OCTAL = 4;

        final long min;
        final long max;
        final int format;
        long value;
        Adjust adjust;

        Num(String name, String alias, int flags, long min, long max, long dflt, int format) {
            super(name, alias, flags);
            this.min = min;
            this.max = max;
            this.value = dflt;
            this.format = format;
        }

        Num adjust(Adjust a) {
            this.adjust = a;
            return this;
        }

        @Override
        public String get() {
            return show(value);
        }

        String show(long v) {
            if ((format & PERCENT) != 0 && v < 0) {
                return -v + "%";
            } else if ((format & MEMORY) != 0) {
                return Long.toUnsignedString(v);
            } else if ((format & OCTAL) != 0) {
                return Long.toOctalString(v);
            }
            return Long.toString(v);
        }

        @Override
        void set(String[] args) throws Config.InvalidValue {
            long v = parse(args[0]);
            boundaries(v);
            if (adjust != null) {
                v = adjust.apply(v);
            }
            check(show(v));
            value = v;
        }

        private long parse(String s) throws Config.InvalidValue {
            if ((format & MEMORY) != 0) {
                Long v = MemoryUnits.parse(s);
                if (v != null) {
                    return v;
                }
            }
            if ((format & PERCENT) != 0 && s.length() > 1 && s.endsWith("%")) {
                long v = parseLong(s.substring(0, s.length() - 1));
                if (v != Numbers.NOT_A_NUMBER && v >= 0) {
                    return -v;
                }
            }
            if ((format & OCTAL) != 0) {
                Long v = MemoryUnits.strtoll(s, 8);
                if (v != null) {
                    return v;
                }
            }
            if (format == PLAIN) {
                long v = parseLong(s);
                if (v != Numbers.NOT_A_NUMBER || s.equals("-9223372036854775808")) {
                    return v;
                }
            }
            if ((format & MEMORY) != 0 && (format & PERCENT) != 0) {
                throw new Config.InvalidValue("argument must be a memory or percent value");
            } else if ((format & MEMORY) != 0) {
                throw new Config.InvalidValue("argument must be a memory value");
            } else if ((format & OCTAL) != 0) {
                throw new Config.InvalidValue("argument couldn't be parsed as an octal number");
            }
            throw new Config.InvalidValue("argument couldn't be parsed into an integer");
        }

        private static long parseLong(String s) {
            return Numbers.parseLong(s.getBytes(StandardCharsets.UTF_8));
        }

        private void boundaries(long v) throws Config.InvalidValue {
            if (min >= 0) { // unsigned types (and signed ones whose range has no negatives: same outcome)
                if (Long.compareUnsigned(v, max) > 0 || Long.compareUnsigned(v, min) < 0) {
                    throw new Config.InvalidValue((format & OCTAL) != 0
                            ? "argument must be between " + Long.toOctalString(min) + " and "
                                    + Long.toOctalString(max) + " inclusive"
                            : "argument must be between " + Long.toUnsignedString(min) + " and "
                                    + Long.toUnsignedString(max) + " inclusive");
                }
            } else if ((format & PERCENT) != 0 && v < 0) {
                if (v < min) {
                    throw new Config.InvalidValue("percentage argument must be less or equal to " + -min);
                }
            } else if (v > max || v < min) {
                throw new Config.InvalidValue("argument must be between " + min + " and " + max + " inclusive");
            }
        }

        @Override
        void rewrite(ConfigRewrite out) {
            boolean force = !get().equals(defaultShown);
            String shown;
            if ((format & PERCENT) != 0 && value < 0) {
                shown = -value + "%";
            } else if ((format & MEMORY) != 0) {
                shown = ConfigRewrite.memory(value);
            } else {
                shown = get();
            }
            out.line(name, name + " " + shown, force);
        }
    }

    /** Validation of a string value; throws with Redis's reason. */
    interface Validator {
        void validate(String v) throws Config.InvalidValue;
    }

    /** createStringConfig / createSDSConfig: any text, some with a validity check. */
    static final class Str extends ConfigParam {
        /** EMPTY_STRING_IS_NULL: an empty value is "not set", and CONFIG REWRITE drops its lines. */
        final boolean emptyIsNull;
        final Validator validator;
        String value;

        Str(String name, String alias, int flags, boolean emptyIsNull, String dflt, Validator validator) {
            super(name, alias, flags);
            this.emptyIsNull = emptyIsNull;
            this.value = dflt;
            this.validator = validator;
        }

        @Override
        public String get() {
            return value;
        }

        @Override
        void set(String[] args) throws Config.InvalidValue {
            String v = args[0];
            if (validator != null) {
                validator.validate(v);
            }
            check(v);
            value = v;
        }

        @Override
        void rewrite(ConfigRewrite out) {
            if (emptyIsNull && value.isEmpty()) {
                out.processed(name);
                return;
            }
            boolean force = emptyIsNull || !value.equals(defaultShown);
            out.line(name, name + " " + repr(value), force);
        }
    }

    /** createEnumConfig: one of a list of names; the multi-argument ones combine flags (shutdown-on-sigint). */
    static final class Enum extends ConfigParam {
        final String[] names;
        final int[] values;
        final Validator combination;
        int value;

        Enum(String name, String alias, int flags, String[] names, int[] values, int dflt, Validator combination) {
            super(name, alias, flags);
            this.names = names;
            this.values = values;
            this.value = dflt;
            this.combination = combination;
        }

        @Override
        public String get() {
            return nameOf(value);
        }

        String nameOf(int v) {
            StringBuilder sb = null;
            int unmatched = v;
            for (int i = 0; i < names.length; i++) {
                if (values[i] == v) {
                    return names[i];
                }
                if ((flags & MULTI_ARG) != 0 && values[i] != 0 && values[i] == (unmatched & values[i])) {
                    sb = sb == null ? new StringBuilder(names[i]) : sb.append(' ').append(names[i]);
                    unmatched &= ~values[i];
                }
            }
            return sb == null || unmatched != 0 ? "" : sb.toString();
        }

        @Override
        void set(String[] args) throws Config.InvalidValue {
            int v = 0;
            boolean ok = args.length > 0 && ((flags & MULTI_ARG) != 0 || args.length == 1);
            for (int a = 0; ok && a < args.length; a++) {
                boolean matched = false;
                for (int i = 0; i < names.length; i++) {
                    if (names[i].equalsIgnoreCase(args[a])) {
                        v |= values[i];
                        matched = true;
                    }
                }
                ok = matched;
            }
            if (!ok) {
                throw new Config.InvalidValue("argument(s) must be one of the following: " + String.join(", ", names));
            }
            if (combination != null) {
                combination.validate(nameOf(v));
            }
            check(nameOf(v));
            value = v;
        }
    }

    /** The special ones (save, bind, dir, ...): a text value with its own parser, shown as it is kept. */
    interface SpecialSetter {
        /** Validates and returns the value to keep, as CONFIG GET will show it, given the current one. */
        String parse(String current, String[] args) throws Config.InvalidValue;
    }

    /** How a special parameter writes itself in CONFIG REWRITE. */
    interface SpecialRewrite {
        void rewrite(Special p, ConfigRewrite out);
    }

    static final class Special extends ConfigParam {
        final SpecialSetter setter;
        final SpecialRewrite rewriter;
        String value;

        Special(String name, String alias, int flags, String dflt, SpecialSetter setter, SpecialRewrite rewriter) {
            super(name, alias, flags);
            this.value = dflt;
            this.setter = setter;
            this.rewriter = rewriter;
        }

        @Override
        public String get() {
            return value;
        }

        @Override
        void set(String[] args) throws Config.InvalidValue {
            String v = setter.parse(value, args);
            check(v);
            value = v;
        }

        @Override
        void rewrite(ConfigRewrite out) {
            if (rewriter == null) {
                super.rewrite(out);
            } else {
                rewriter.rewrite(this, out);
            }
        }
    }
}
