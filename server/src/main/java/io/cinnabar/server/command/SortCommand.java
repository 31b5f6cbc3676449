package io.cinnabar.server.command;

import io.cinnabar.protocol.bytes.Numbers;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.error.ErrorReply;
import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.types.HashValue;
import io.cinnabar.server.types.ListValue;
import io.cinnabar.server.types.SetValue;
import io.cinnabar.server.types.Strings;
import io.cinnabar.server.types.ZSetValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO, as Redis 7.0's sort.c (sortCommandGeneric, lookupKeyByPattern, sortCompare) and pqsort.c,
 * ported under the BSD 3-Clause licence: sort.c Copyright (c) 2009-2012 Salvatore Sanfilippo; pqsort.c Copyright
 * (c) 1992, 1993 The Regents of the University of California and (c) 2009-2010 Salvatore Sanfilippo (see NOTICE).
 *
 * <p>What decides the order of equal elements is kept, since it shows: a full sort is glibc's qsort, a stable merge
 * sort (Java's object sort is stable too), and a sort BY a pattern narrowed by LIMIT is pqsort, ported as is.
 * ALPHA compares as strcoll in Redis's C.UTF-8/C locale, that is strcmp (unsigned bytes up to the first NUL), except
 * with STORE, where it is a binary compare. Numbers are read as strtod reads them, errno's ERANGE included.
 *
 * <p>Known difference: a sorted set not walked in rank order (sorted, not BY nosort) is loaded here in rank order,
 * in Redis in its dict's order; only elements that compare equal (ALPHA BY a pattern) can show it. A set in a hash
 * table is loaded in this server's table order, as SMEMBERS lists it. And sort.c does not clear errno before its
 * strtod, so in Redis an ERANGE (say from "1e-310") sticks: later numeric SORTs of non-integer strings fail too,
 * until some other code or failed system call resets errno. Here every SORT starts with a clear errno.
 */
final class SortCommand {
    private static final ErrorReply NOT_DOUBLE = Errors.of("ERR One or more scores can't be converted into double");
    private static final byte[] EMPTY = new byte[0];
    /** sizeof(redisSortObject): pqsort's range test is on byte addresses, kept as such. */
    private static final long ES = 16;

    private SortCommand() {
    }

    /** One element of the sorting vector (redisSortObject): the element, and its score or its BY value. */
    private static final class Item {
        final byte[] obj;
        double score;
        byte[] cmp;

        Item(byte[] obj) {
            this.obj = obj;
        }
    }

    static void sort(Client c) {
        sortGeneric(c, false);
    }

    static void sortRo(Client c) {
        sortGeneric(c, true);
    }

    private static void sortGeneric(Client c, boolean readonly) {
        boolean desc = false;
        boolean alpha = false;
        boolean dontsort = false;
        long limitStart = 0;
        long limitCount = -1;
        byte[] sortby = null;
        byte[] storekey = null;
        List<byte[]> gets = new ArrayList<>();
        for (int j = 2; j < c.argc; j++) {
            int leftargs = c.argc - j - 1;
            byte[] a = c.argv[j];
            if (Args.is(a, "asc")) {
                desc = false;
            } else if (Args.is(a, "desc")) {
                desc = true;
            } else if (Args.is(a, "alpha")) {
                alpha = true;
            } else if (Args.is(a, "limit") && leftargs >= 2) {
                if (!Args.longArg(c, j + 1)) {
                    return;
                }
                limitStart = c.parsedLong;
                if (!Args.longArg(c, j + 2)) {
                    return;
                }
                limitCount = c.parsedLong;
                j += 2;
            } else if (!readonly && Args.is(a, "store") && leftargs >= 1) {
                storekey = c.argv[++j];
            } else if (Args.is(a, "by") && leftargs >= 1) {
                sortby = c.argv[++j];
                // no '*': nothing to sort by; and it stays so even if a later BY has one, as in sort.c
                if (indexOf(sortby, (byte) '*', 0, cLength(sortby)) < 0) {
                    dontsort = true;
                }
            } else if (Args.is(a, "get") && leftargs >= 1) {
                gets.add(c.argv[++j]);
            } else {
                c.syntaxError();
                return;
            }
        }

        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        Object sortval = e == null ? null : e.value;
        if (sortval != null && !(sortval instanceof SetValue) && !(sortval instanceof ListValue)
                && !(sortval instanceof ZSetValue)) {
            c.wrongType();
            return;
        }
        if (sortval == null) {
            sortval = new ListValue(c.engine.config().listMaxListpackSize());
        }

        // A set not sorted would come out in its hash table's order: when the result is stored, or computed by a
        // script, it is sorted ALPHA instead so that replicas and AOF replay see the same thing.
        if (dontsort && sortval instanceof SetValue && (storekey != null || c.isScript())) {
            dontsort = false;
            alpha = true;
            sortby = null;
        }
        if (sortval instanceof ZSetValue z) {
            z.convert(); // sort.c converts a listpack sorted set to a skiplist, for good
        }

        int vectorlen;
        if (sortval instanceof ListValue l) {
            vectorlen = (int) l.size();
        } else if (sortval instanceof SetValue s) {
            vectorlen = s.size();
        } else {
            vectorlen = ((ZSetValue) sortval).size();
        }

        long start = Math.min(Math.max(limitStart, 0), vectorlen);
        limitCount = Math.min(Math.max(limitCount, -1), vectorlen);
        long end = limitCount < 0 ? vectorlen - 1 : start + limitCount - 1;
        if (start >= vectorlen) {
            start = vectorlen - 1;
            end = vectorlen - 2;
        }
        if (end >= vectorlen) {
            end = vectorlen - 1;
        }
        // lists and sorted sets keep their own order: with nothing to sort only the range asked for is loaded
        if (!(sortval instanceof SetValue) && dontsort && (start != 0 || end != vectorlen - 1)) {
            vectorlen = (int) (end - start + 1);
        }

        Item[] vector = new Item[vectorlen];
        if (sortval instanceof ListValue l && dontsort) {
            if (end >= start) {
                long size = l.size();
                long from = desc ? size - 1 - end : start;
                long to = desc ? size - 1 - start : end;
                int[] j = {desc ? vectorlen - 1 : 0};
                int step = desc ? -1 : 1;
                l.range(from, to, element -> {
                    vector[j[0]] = new Item(element);
                    j[0] += step;
                    return true;
                });
                end -= start;
                start = 0;
            }
        } else if (sortval instanceof ListValue l) {
            int[] j = {0};
            l.range(0, l.size() - 1, element -> {
                vector[j[0]++] = new Item(element);
                return true;
            });
        } else if (sortval instanceof SetValue s) {
            int[] j = {0};
            s.forEach(member -> vector[j[0]++] = new Item(member));
        } else if (dontsort) {
            ZSetValue z = (ZSetValue) sortval;
            ZSetValue.Cursor cur = z.at(desc ? z.size() - 1 - start : start);
            for (int j = 0; j < vectorlen; j++) {
                vector[j] = new Item(cur.member());
                if (desc) {
                    cur.prev();
                } else {
                    cur.next();
                }
            }
            end -= start;
            start = 0;
        } else {
            ZSetValue z = (ZSetValue) sortval;
            int[] j = {0};
            z.forEach((member, score) -> vector[j[0]++] = new Item(member));
        }

        boolean conversionError = false;
        if (!dontsort) {
            for (Item item : vector) {
                byte[] byval;
                if (sortby != null) {
                    byval = lookupKeyByPattern(c, sortby, item.obj);
                    if (byval == null) {
                        continue;
                    }
                } else {
                    byval = item.obj;
                }
                if (alpha) {
                    if (sortby != null) {
                        item.cmp = byval;
                    }
                } else {
                    item.score = score(byval);
                    if (Double.isNaN(item.score)) {
                        conversionError = true;
                    }
                }
            }
        }

        if (!dontsort && !conversionError) {
            Comparator<Item> cmp = comparator(desc, alpha, sortby != null, storekey != null);
            if (sortby != null && (start != 0 || end != vectorlen - 1)) {
                pqsort(vector, vectorlen, cmp, start * ES, (end + 1) * ES - 1);
            } else {
                Arrays.sort(vector, cmp); // glibc's qsort is a merge sort: stable, as this one
            }
        }

        int getop = gets.size();
        int outputlen = (int) (getop > 0 ? getop * (end - start + 1) : end - start + 1);
        if (conversionError) {
            c.error(NOT_DOUBLE);
        } else if (storekey == null) {
            c.reply.array(outputlen);
            for (long j = start; j <= end; j++) {
                Item item = vector[(int) j];
                if (getop == 0) {
                    c.reply.bulk(item.obj);
                }
                for (byte[] pattern : gets) {
                    byte[] val = lookupKeyByPattern(c, pattern, item.obj);
                    if (val == null) {
                        c.reply.nullBulk();
                    } else {
                        c.reply.bulk(val);
                    }
                }
            }
        } else {
            ListValue sobj = new ListValue(c.engine.config().listMaxListpackSize());
            for (long j = start; j <= end; j++) {
                Item item = vector[(int) j];
                if (getop == 0) {
                    sobj.pushTail(item.obj);
                }
                for (byte[] pattern : gets) {
                    byte[] val = lookupKeyByPattern(c, pattern, item.obj);
                    sobj.pushTail(val == null ? EMPTY : val);
                }
            }
            if (outputlen > 0) {
                c.db.set(storekey, sobj, false);
                c.db.modified(storekey, KeyEvent.SORTSTORE, outputlen);
            } else {
                Dict.Entry dst = c.db.lookupWrite(storekey);
                if (dst != null) {
                    c.db.unlink(dst);
                    c.db.modified(storekey, KeyEvent.DEL, 1);
                }
            }
            c.reply.integer(outputlen);
        }
    }

    /**
     * lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the element and the
     * key's string value is returned, or with "->field" after the '*' the field of the key's hash. No '*', a
     * missing key or field, or another type: null. The pattern is read as C reads it where sort.c uses C string
     * functions ('*' and "->" are searched up to the first NUL), with its full length everywhere else.
     * 7.0's takes no write flag: lookups count as keyspace hits and misses even for STORE.
     */
    private static byte[] lookupKeyByPattern(Client c, byte[] pattern, byte[] subst) {
        int len = pattern.length;
        if (len >= 1 && pattern[0] == '#' && (len == 1 || pattern[1] == 0)) {
            return subst;
        }
        int clen = cLength(pattern);
        int p = indexOf(pattern, (byte) '*', 0, clen);
        if (p < 0) {
            return null;
        }
        int f = -1;
        for (int i = p + 1; i + 1 < clen; i++) {
            if (pattern[i] == '-' && pattern[i + 1] == '>') {
                f = i;
                break;
            }
        }
        int fieldlen = 0;
        byte[] field = null;
        if (f >= 0 && f + 2 < len && pattern[f + 2] != 0) {
            fieldlen = len - f - 2;
            field = Arrays.copyOfRange(pattern, f + 2, len);
        }
        int postfixlen = len - (p + 1) - (fieldlen > 0 ? fieldlen + 2 : 0);
        byte[] key = new byte[p + subst.length + postfixlen];
        System.arraycopy(pattern, 0, key, 0, p);
        System.arraycopy(subst, 0, key, p, subst.length);
        System.arraycopy(pattern, p + 1, key, p + subst.length, postfixlen);

        Dict.Entry e = c.db.lookupRead(key); // a read lookup with STORE too: hits and misses count
        if (e == null) {
            return null;
        }
        if (field != null) {
            return e.value instanceof HashValue h ? h.get(field) : null;
        }
        return Strings.is(e.value) ? Strings.bytes(e.value) : null;
    }

    /** sortCompare, with the server.sort_* globals it reads passed in. */
    private static Comparator<Item> comparator(boolean desc, boolean alpha, boolean bypattern, boolean store) {
        Comparator<Item> cmp;
        if (!alpha) {
            cmp = (a, b) -> {
                if (a.score > b.score) {
                    return 1;
                } else if (a.score < b.score) {
                    return -1;
                }
                // equal scores: the elements decide, so that the result is deterministic
                return Arrays.compareUnsigned(a.obj, b.obj);
            };
        } else if (bypattern) {
            cmp = (a, b) -> {
                if (a.cmp == null || b.cmp == null) {
                    return a.cmp == b.cmp ? 0 : a.cmp == null ? -1 : 1;
                }
                return store ? Arrays.compareUnsigned(a.cmp, b.cmp) : strcoll(a.cmp, b.cmp);
            };
        } else {
            cmp = store ? (a, b) -> Arrays.compareUnsigned(a.obj, b.obj) : (a, b) -> strcoll(a.obj, b.obj);
        }
        return desc ? (a, b) -> -Integer.signum(cmp.compare(a, b)) : cmp;
    }

    /** strcoll in the C (or C.UTF-8) locale: strcmp, unsigned bytes up to each string's first NUL. */
    static int strcoll(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, 0, cLength(a), b, 0, cLength(b));
    }

    /** The length C sees: up to the first NUL. */
    private static int cLength(byte[] s) {
        int n = indexOf(s, (byte) 0, 0, s.length);
        return n < 0 ? s.length : n;
    }

    private static int indexOf(byte[] s, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s[i] == b) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ scores

    /**
     * What sort.c makes of a value to sort numerically: strtod over the C string, which must be read to its end
     * (leading spaces allowed; an empty string is 0), no NaN, and no ERANGE: overflow to infinity, or a result
     * that is zero or subnormal and not exact (glibc's underflow). NaN when the value is refused.
     */
    static double score(byte[] s) {
        long integer = Numbers.parseLong(s);
        if (integer != Numbers.NOT_A_NUMBER || Numbers.isLong(s)) {
            return integer;
        }
        int n = cLength(s);
        int i = 0;
        while (i < n && isSpace(s[i])) {
            i++;
        }
        if (n == 0) {
            return 0;
        }
        int numberStart = i;
        boolean negative = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        if (matchesIgnoreCase(s, i, n, "inf")) {
            i += matchesIgnoreCase(s, i, n, "infinity") ? 8 : 3;
            return i == n ? (negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY) : Double.NaN;
        }
        boolean hex = i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')
                && (isHexDigit(s, i + 2, n) || (i + 2 < n && s[i + 2] == '.' && isHexDigit(s, i + 3, n)));
        int mantissaStart = hex ? i + 2 : i;
        i = mantissaStart;
        int digits = 0;
        boolean nonzero = false;
        while (hex ? isHexDigit(s, i, n) : isDigit(s, i, n)) {
            nonzero |= s[i] != '0';
            i++;
            digits++;
        }
        int fractionDigits = 0;
        if (i < n && s[i] == '.') {
            i++;
            while (hex ? isHexDigit(s, i, n) : isDigit(s, i, n)) {
                nonzero |= s[i] != '0';
                i++;
                digits++;
                fractionDigits++;
            }
        }
        if (digits == 0) {
            return Double.NaN; // no number (nan and the like included)
        }
        int mantissaEnd = i;
        if (i < n && (hex ? s[i] == 'p' || s[i] == 'P' : s[i] == 'e' || s[i] == 'E')) {
            int j = i + 1;
            if (j < n && (s[j] == '+' || s[j] == '-')) {
                j++;
            }
            if (isDigit(s, j, n)) {
                while (isDigit(s, j, n)) {
                    j++;
                }
                i = j;
            }
        }
        if (i != n) {
            return Double.NaN;
        }
        String text = new String(s, numberStart, n - numberStart, java.nio.charset.StandardCharsets.ISO_8859_1);
        double value;
        if (hex) {
            String body = text.substring(mantissaStart - numberStart);
            value = Double.parseDouble((negative ? "-0x" : "0x") + (mantissaEnd == n ? body + "p0" : body));
        } else {
            value = Double.parseDouble(text);
        }
        if (Double.isInfinite(value)) {
            return Double.NaN; // ERANGE: overflow
        }
        if (Math.abs(value) <= Double.MIN_NORMAL && nonzero
                && underflows(value, s, mantissaStart, mantissaEnd, fractionDigits, hex, text, mantissaEnd - numberStart)) {
            return Double.NaN; // ERANGE: underflow
        }
        return value;
    }

    /**
     * Below this a number is tiny for glibc: rounded to 53 bits with an unbounded exponent, it would still be under
     * the smallest normal double (2^-1022 - 2^-1076, the midpoint below it, rounds up to it).
     */
    private static final BigDecimal TINY = new BigDecimal(Double.MIN_NORMAL)
            .subtract(new BigDecimal(Double.MIN_VALUE).divide(BigDecimal.valueOf(4)));

    /**
     * glibc's strtod sets ERANGE on underflow: the number written is tiny (see {@link #TINY}) and {@code value}
     * is not exactly it. Only asked for a nonzero number read as zero, a subnormal or the smallest normal.
     */
    private static boolean underflows(double value, byte[] s, int mantissaStart, int mantissaEnd,
                                      int fractionDigits, boolean hex, String text, int exponentAt) {
        BigDecimal written;
        try {
            if (hex) {
                StringBuilder m = new StringBuilder();
                for (int k = mantissaStart; k < mantissaEnd; k++) {
                    if (s[k] != '.') {
                        m.append((char) s[k]);
                    }
                }
                long exponent = exponentAt < text.length()
                        ? Long.parseLong(text.substring(exponentAt + 1).replace("+", "")) : 0;
                long shift = exponent - 4L * fractionDigits;
                if (Math.abs(shift) > 100_000) {
                    return value == 0; // so far from the subnormals that only a zero can come of it
                }
                BigDecimal mantissa = new BigDecimal(new BigInteger(m.toString(), 16));
                BigDecimal power = new BigDecimal(BigInteger.ONE.shiftLeft((int) Math.abs(shift)));
                written = shift >= 0 ? mantissa.multiply(power) : mantissa.divide(power);
            } else {
                written = new BigDecimal(text.charAt(0) == '-' || text.charAt(0) == '+' ? text.substring(1) : text);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            return value == 0; // an exponent beyond BigDecimal's: zero was an underflow, anything else can't be
        }
        return written.compareTo(TINY) < 0 && written.compareTo(new BigDecimal(Math.abs(value))) != 0;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    private static boolean isDigit(byte[] s, int i, int n) {
        return i < n && s[i] >= '0' && s[i] <= '9';
    }

    private static boolean isHexDigit(byte[] s, int i, int n) {
        return i < n && Character.digit(s[i], 16) >= 0;
    }

    private static boolean matchesIgnoreCase(byte[] s, int i, int n, String word) {
        if (i + word.length() > n) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (Character.toLowerCase(s[i + k]) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ pqsort.c

    /**
     * pqsort: Bentley and McIlroy's quicksort (NetBSD's qsort.c) that only recurses into partitions overlapping
     * the byte range [lrange, rrange] of the vector, so only that range ends up in order. Its handling of equal
     * elements is what Redis returns for SORT BY a pattern with LIMIT, so it is followed step by step.
     */
    private static void pqsort(Item[] v, int n, Comparator<Item> cmp, long lrange, long rrange) {
        pqsort(v, 0, n, cmp, lrange, rrange);
    }

    private static void pqsort(Item[] v, int a, int n, Comparator<Item> cmp, long lrange, long rrange) {
        while (true) {
            if (n < 7) {
                for (int pm = a + 1; pm < a + n; pm++) {
                    for (int pl = pm; pl > a && cmp.compare(v[pl - 1], v[pl]) > 0; pl--) {
                        swap(v, pl, pl - 1);
                    }
                }
                return;
            }
            int pm = a + n / 2;
            if (n > 7) {
                int pl = a;
                int pn = a + n - 1;
                if (n > 40) {
                    int d = n / 8;
                    pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
                    pm = med3(v, pm - d, pm, pm + d, cmp);
                    pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
                }
                pm = med3(v, pl, pm, pn, cmp);
            }
            swap(v, a, pm);
            int pa = a + 1;
            int pb = pa;
            int pc = a + n - 1;
            int pd = pc;
            while (true) {
                int r;
                while (pb <= pc && (r = cmp.compare(v[pb], v[a])) <= 0) {
                    if (r == 0) {
                        swap(v, pa, pb);
                        pa++;
                    }
                    pb++;
                }
                while (pb <= pc && (r = cmp.compare(v[pc], v[a])) >= 0) {
                    if (r == 0) {
                        swap(v, pc, pd);
                        pd--;
                    }
                    pc--;
                }
                if (pb > pc) {
                    break;
                }
                swap(v, pb, pc);
                pb++;
                pc--;
            }
            int pn = a + n;
            int r = Math.min(pa - a, pb - pa);
            vecswap(v, a, pb - r, r);
            r = Math.min(pd - pc, pn - pd - 1);
            vecswap(v, pb, pn - r, r);
            if ((r = pb - pa) > 1 && overlaps(a, r, lrange, rrange)) {
                pqsort(v, a, r, cmp, lrange, rrange);
            }
            if ((r = pd - pc) > 1) {
                a = pn - r; // iterate rather than recurse, as pqsort.c
                n = r;
                if (overlaps(a, n, lrange, rrange)) {
                    continue;
                }
            }
            return;
        }
    }

    /** pqsort.c's test, on byte addresses: the partition's bytes are not wholly before or after the range. */
    private static boolean overlaps(int from, int count, long lrange, long rrange) {
        long l = from * ES;
        long r = (from + (long) count) * ES - 1;
        return !((lrange < l && rrange < l) || (lrange > r && rrange > r));
    }

    private static int med3(Item[] v, int a, int b, int c, Comparator<Item> cmp) {
        return cmp.compare(v[a], v[b]) < 0
                ? (cmp.compare(v[b], v[c]) < 0 ? b : (cmp.compare(v[a], v[c]) < 0 ? c : a))
                : (cmp.compare(v[b], v[c]) > 0 ? b : (cmp.compare(v[a], v[c]) < 0 ? a : c));
    }

    private static void swap(Item[] v, int i, int j) {
        Item t = v[i];
        v[i] = v[j];
        v[j] = t;
    }

    private static void vecswap(Item[] v, int i, int j, int n) {
        for (int k = 0; k < n; k++) {
            swap(v, i + k, j + k);
        }
    }

    // ------------------------------------------------------------------ COMMAND GETKEYS

    /**
     * sortGetKeys: the sorted key, and the last STORE's destination. Options are skipped by their argument
     * counts (LIMIT 2, GET and BY 1), as Redis does without validating them.
     */
    static List<byte[]> keys(byte[][] argv, int argc) {
        List<byte[]> keys = new ArrayList<>(2);
        keys.add(argv[1]);
        byte[] store = null;
        for (int i = 2; i < argc; i++) {
            if (Args.is(argv[i], "limit")) {
                i += 2;
            } else if (Args.is(argv[i], "get") || Args.is(argv[i], "by")) {
                i += 1;
            } else if (Args.is(argv[i], "store") && i + 1 < argc) {
                store = argv[i + 1];
            }
        }
        if (store != null) {
            keys.add(store);
        }
        return keys;
    }
}
