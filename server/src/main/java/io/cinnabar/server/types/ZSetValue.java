package io.cinnabar.server.types;

import io.cinnabar.protocol.bytes.DoubleFormat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A sorted set, encoded as Redis 7.0 encodes it: a {@link Listpack} of member, score pairs ordered by score then
 * member (t_zset.c's zzl* functions; a score is stored as d2string writes it, so an integral one is an integer
 * entry) while it has at most {@code zset-max-listpack-entries} members and no member longer than
 * {@code zset-max-listpack-value} bytes, then a {@link SortedSetIndex} (skiplist plus member map), never back.
 * Elements are addressed by 0-based rank; {@link Cursor} walks them in either direction. Scores are never NaN.
 * Not thread-safe: executor thread only.
 */
public final class ZSetValue implements Value {
    private static final int OBJ_ZSET = 3;

    /** Receives a member (a fresh copy for listpack entries) and its score. */
    public interface Visitor {
        void visit(byte[] member, double score);
    }

    private Listpack listpack;
    private SortedSetIndex index;

    /** An empty sorted set, a listpack unless {@code skiplist}. */
    public ZSetValue(boolean skiplist) {
        if (skiplist) {
            index = new SortedSetIndex(new SplittableRandom());
        } else {
            listpack = new Listpack();
        }
    }

    private ZSetValue(Listpack listpack, SortedSetIndex index) {
        this.listpack = listpack;
        this.index = index;
    }

    /**
     * A sorted set over a listpack of member, score pairs read from RDB or RESTORE (an even number of entries, in
     * order), converted to a skiplist when it has more than {@code maxEntries} members, as rdbLoadObject does for
     * RDB_TYPE_ZSET_LISTPACK and the ziplists it converts.
     */
    public static ZSetValue ofListpack(Listpack pairs, long maxEntries) {
        ZSetValue z = new ZSetValue(pairs, null);
        if (z.size() > maxEntries) {
            z.convert();
        }
        return z;
    }

    /** The listpack (RDB writes its array as it is), or null once the set is a skiplist; not to be changed. */
    public Listpack listpack() {
        return listpack;
    }

    /**
     * Adds a member to a skiplist-encoded set as rdbLoadObject's zslInsert and dictAdd do, keeping {@code member}'s
     * array; false (nothing changed) if the member is already there, which a loader reports as corrupt.
     */
    public boolean addLoaded(byte[] member, double score) {
        return index.add(member, score); // false leaves a changed score behind, but the loader drops the set
    }

    /**
     * zsetConvert to OBJ_ENCODING_LISTPACK: the skiplist's elements, lowest first, appended as member and d2string
     * score (the loader does this after reading a small ZSET_2).
     */
    public void convertToListpack() {
        if (index == null) {
            return;
        }
        Listpack lp = new Listpack();
        for (SkipList.Node x = index.list().first(); x != null; x = x.next()) {
            lp.append(x.member());
            lp.append(d2string(x.score()));
        }
        listpack = lp;
        index = null;
    }

    public int size() {
        return index != null ? index.size() : listpack.size() / 2;
    }

    public boolean isListpack() {
        return index == null;
    }

    /** The listpack's exact bytes (what RDB writes for it), or null once the set is a skiplist. */
    public byte[] listpackBytes() {
        return index == null ? listpack.toBytes() : null;
    }

    // ------------------------------------------------------------------ scores as text

    /**
     * getDoubleFromObject: strtod over the whole argument (no leading space, nothing after, no NaN, no overflow
     * to infinity nor underflow to zero). Returns NaN when the text is not a valid score.
     */
    private static final java.util.regex.Pattern HEX =
            java.util.regex.Pattern.compile("0x([0-9a-f]+\\.?[0-9a-f]*|\\.[0-9a-f]+)(p[-+]?[0-9]+)?");
    private static final java.util.regex.Pattern DECIMAL =
            java.util.regex.Pattern.compile("([0-9]+\\.?[0-9]*|\\.[0-9]+)(e[-+]?[0-9]+)?");

    public static double parseScore(byte[] s) {
        // the common case first: a plain integer (string2ll's strict form) is exactly what strtod makes of it
        long integer = io.cinnabar.protocol.bytes.Numbers.parseLong(s);
        if (integer != io.cinnabar.protocol.bytes.Numbers.NOT_A_NUMBER || io.cinnabar.protocol.bytes.Numbers.isLong(s)) {
            return integer;
        }
        int n = s.length;
        if (n == 0 || isSpace(s[0])) {
            return Double.NaN;
        }
        int i = 0;
        boolean negative = false;
        if (s[0] == '+' || s[0] == '-') {
            negative = s[0] == '-';
            i++;
        }
        String rest = new String(s, i, n - i, StandardCharsets.ISO_8859_1);
        String lower = rest.toLowerCase(java.util.Locale.ROOT);
        double value;
        if (lower.equals("inf") || lower.equals("infinity")) {
            value = Double.POSITIVE_INFINITY;
        } else if (lower.startsWith("0x")) {
            if (!HEX.matcher(lower).matches()) {
                return Double.NaN;
            }
            try {
                value = Double.parseDouble(lower.contains("p") ? lower : lower + "p0");
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
            if (Double.isInfinite(value)) {
                return Double.NaN;
            }
        } else {
            if (!DECIMAL.matcher(lower).matches()) {
                return Double.NaN;
            }
            try {
                value = Double.parseDouble(rest);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
            if (Double.isInfinite(value)) {
                return Double.NaN; // ERANGE overflow
            }
            if (value == 0) {
                int e = lower.indexOf('e');
                String mantissa = e < 0 ? lower : lower.substring(0, e);
                for (int k = 0; k < mantissa.length(); k++) {
                    char ch = mantissa.charAt(k);
                    if (ch >= '1' && ch <= '9') {
                        return Double.NaN; // ERANGE underflow to zero
                    }
                }
            }
        }
        return negative ? -value : value;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    /**
     * d2string: how a listpack stores a score (an integral one within 2^52 as its integer text, so -0 becomes 0
     * while a skiplist keeps it).
     */
    static byte[] d2string(double value) {
        if (Double.isInfinite(value)) {
            return (value > 0 ? "inf" : "-inf").getBytes(StandardCharsets.US_ASCII);
        }
        // Redis 7.0's d2string has no case for zero: -0 passes the integral test and is written "0"
        if (value > -4503599627370495.0 && value < 4503599627370496.0 && value == (double) (long) value) {
            return Long.toString((long) value).getBytes(StandardCharsets.US_ASCII);
        }
        return DoubleFormat.g17(value);
    }

    /** zzlGetScore. */
    private double scoreAt(int pos) {
        if (listpack.isInteger(pos)) {
            return listpack.integerAt(pos);
        }
        byte[] s = listpack.bytesAt(pos);
        return parseScore(s);
    }

    // ------------------------------------------------------------------ lookups

    /** The member's score, or NaN if absent. */
    public double score(byte[] member) {
        if (index != null) {
            return index.score(member);
        }
        int pos = listpack.find(member, 1);
        return pos < 0 ? Double.NaN : scoreAt(listpack.next(pos));
    }

    /** The member's 0-based rank (from the highest when {@code reverse}), or -1. */
    public long rank(byte[] member, boolean reverse) {
        if (index != null) {
            return index.rank(member, reverse);
        }
        long rank = 0;
        for (int pos = listpack.first(); pos >= 0; pos = listpack.next(listpack.next(pos)), rank++) {
            if (listpack.equalsAt(pos, member)) {
                return reverse ? size() - 1 - rank : rank;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ changes

    /**
     * Sets the member's score (NaN never), converting to a skiplist first if the member is new and the listpack
     * would pass {@code maxEntries} or the member is longer than {@code maxValue} (zsetAdd). Returns true if the
     * member is new.
     */
    public boolean set(byte[] member, double score, long maxEntries, long maxValue) {
        if (index == null) {
            int pos = listpack.find(member, 1);
            if (pos >= 0) {
                double old = scoreAt(listpack.next(pos));
                if (old != score) { // zzlDelete then zzlInsert
                    listpack.delete(listpack.delete(pos));
                    insertSorted(member, score);
                }
                return false;
            }
            if (size() + 1 > maxEntries || member.length > maxValue) {
                convert();
            } else {
                insertSorted(member, score);
                return true;
            }
        }
        return index.add(member.clone(), score);
    }

    /** zzlInsert: before the first element with a greater score, or an equal score and a greater member. */
    private void insertSorted(byte[] member, double score) {
        byte[] scoreText = d2string(score);
        for (int pos = listpack.first(); pos >= 0; pos = listpack.next(listpack.next(pos))) {
            int spos = listpack.next(pos);
            double s = scoreAt(spos);
            if (s > score || (s == score && listpack.compareAt(pos, member, 0, member.length) > 0)) {
                int m = listpack.insertBefore(pos, member);
                listpack.insertAfter(m, scoreText);
                return;
            }
        }
        listpack.append(member);
        listpack.append(scoreText);
    }

    /** Converts to a skiplist now (zsetConvert), whatever the sizes. */
    public void convert() {
        if (index != null) {
            return;
        }
        SortedSetIndex converted = new SortedSetIndex(new SplittableRandom(), size());
        for (int pos = listpack.first(); pos >= 0; pos = listpack.next(listpack.next(pos))) {
            converted.add(listpack.bytesAt(pos), scoreAt(listpack.next(pos)));
        }
        index = converted;
        listpack = null;
    }

    /** Removes a member; true if it was there. */
    public boolean remove(byte[] member) {
        if (index != null) {
            return index.remove(member);
        }
        int pos = listpack.find(member, 1);
        if (pos < 0) {
            return false;
        }
        listpack.delete(listpack.delete(pos));
        return true;
    }

    /** Removes the elements at 0-based ranks {@code start..end} inclusive (within the set). */
    public void removeRanks(long start, long end) {
        if (index != null) {
            index.removeRangeByRank(start, end, null);
        } else {
            listpack.deleteRange(2 * start, 2 * (end - start + 1));
        }
    }

    // ------------------------------------------------------------------ ranges as ranks

    /** Rank of the first element inside {@code range} going up from the lowest, or {@link #size} if none. */
    public long firstRank(SkipList.ScoreRange range) {
        if (index != null) {
            SkipList.Node x = index.list().firstInRange(range);
            return x == null ? size() : index.list().rank(x.member(), x.score());
        }
        long rank = 0;
        for (int pos = listpack.first(); pos >= 0; pos = listpack.next(listpack.next(pos)), rank++) {
            double s = scoreAt(listpack.next(pos));
            if (range.aboveMin(s)) {
                return range.belowMax(s) ? rank : size();
            }
        }
        return size();
    }

    /** Rank of the last element inside {@code range}, or -1 if none. */
    public long lastRank(SkipList.ScoreRange range) {
        if (index != null) {
            SkipList.Node x = index.list().lastInRange(range);
            return x == null ? -1 : index.list().rank(x.member(), x.score());
        }
        long rank = size() - 1;
        for (int pos = listpack.last(); pos >= 0; pos = listpack.prev(listpack.prev(pos)), rank--) {
            double s = scoreAt(pos);
            if (range.belowMax(s)) {
                return range.aboveMin(s) ? rank : -1;
            }
        }
        return -1;
    }

    public long firstRank(SkipList.LexRange range) {
        if (index != null) {
            SkipList.Node x = index.list().firstInRange(range);
            return x == null ? size() : index.list().rank(x.member(), x.score());
        }
        if (!listpackInRange(range)) {
            return size();
        }
        long rank = 0;
        for (int pos = listpack.first(); pos >= 0; pos = listpack.next(listpack.next(pos)), rank++) {
            byte[] m = listpack.bytesAt(pos);
            if (range.aboveMin(m)) {
                return range.belowMax(m) ? rank : size();
            }
        }
        return size();
    }

    public long lastRank(SkipList.LexRange range) {
        if (index != null) {
            SkipList.Node x = index.list().lastInRange(range);
            return x == null ? -1 : index.list().rank(x.member(), x.score());
        }
        if (!listpackInRange(range)) {
            return -1;
        }
        long rank = size() - 1;
        for (int pos = listpack.prev(listpack.last()); pos >= 0; pos = listpack.prev(listpack.prev(pos)), rank--) {
            byte[] m = listpack.bytesAt(pos);
            if (range.belowMax(m)) {
                return range.aboveMin(m) ? rank : -1;
            }
        }
        return -1;
    }

    /** zzlIsInLexRange: the last member at least the minimum and the first at most the maximum. */
    private boolean listpackInRange(SkipList.LexRange range) {
        if (range.isEmpty() || listpack.size() == 0) {
            return false;
        }
        return range.aboveMin(listpack.bytesAt(listpack.prev(listpack.last())))
                && range.belowMax(listpack.bytesAt(listpack.first()));
    }

    /**
     * How many elements from rank {@code from} on (downwards when {@code reverse}) stay inside the range's far
     * bound (the maximum going up, the minimum going down), as Redis's range loops stop.
     */
    public long walk(SkipList.LexRange range, long from, boolean reverse) {
        long n = 0;
        for (Cursor c = at(from); c.valid(); n++) {
            byte[] m = c.member();
            if (reverse ? !range.aboveMin(m) : !range.belowMax(m)) {
                break;
            }
            if (reverse) {
                c.prev();
            } else {
                c.next();
            }
        }
        return n;
    }

    /** ZREMRANGEBYLEX: zslDeleteRangeByLex or zzlDeleteRangeByLex; returns how many were removed. */
    public long removeRange(SkipList.LexRange range) {
        if (index != null) {
            return index.removeRangeByLex(range, null);
        }
        long first = firstRank(range);
        if (first >= size()) {
            return 0;
        }
        long n = walk(range, first, false);
        if (n > 0) {
            removeRanks(first, first + n - 1);
        }
        return n;
    }

    // ------------------------------------------------------------------ walking

    /** A position on an element, moved by rank order. */
    public final class Cursor {
        private int pos = -1;
        private SkipList.Node node;

        public boolean valid() {
            return index != null ? node != null : pos >= 0;
        }

        public byte[] member() {
            return index != null ? node.member() : listpack.bytesAt(pos);
        }

        public double score() {
            return index != null ? node.score() : scoreAt(listpack.next(pos));
        }

        public void next() {
            if (index != null) {
                node = node.next();
            } else {
                pos = listpack.next(listpack.next(pos));
            }
        }

        public void prev() {
            if (index != null) {
                node = node.prev();
            } else {
                pos = listpack.prev(pos);
                pos = pos < 0 ? -1 : listpack.prev(pos);
            }
        }
    }

    /** A cursor on the element at 0-based {@code rank} (invalid if out of range). */
    public Cursor at(long rank) {
        Cursor c = new Cursor();
        if (rank < 0 || rank >= size()) {
            return c;
        }
        if (index != null) {
            c.node = index.list().byRank(rank);
        } else {
            c.pos = listpack.seek(2 * rank);
        }
        return c;
    }

    /** Every element, lowest first. */
    public void forEach(Visitor visitor) {
        for (Cursor c = at(0); c.valid(); c.next()) {
            visitor.visit(c.member(), c.score());
        }
    }

    // ------------------------------------------------------------------ Value

    @Override
    public String typeName() {
        return "zset";
    }

    @Override
    public String encoding() {
        return index == null ? "listpack" : "skiplist";
    }

    @Override
    public ZSetValue copy() {
        if (index == null) {
            return new ZSetValue(listpack.copy(), null);
        }
        return new ZSetValue(null, index.copy(new SplittableRandom()));
    }

    /** The listpack's array, or per member a skiplist node (about 56 bytes), a map slot and the member array. */
    @Override
    public long memoryUsage(int samples) {
        if (index == null) {
            return 24 + Types.arrayBytes(listpack.array().length);
        }
        long[] sampled = new long[2];
        int limit = samples == 0 ? Integer.MAX_VALUE : samples;
        for (Cursor c = at(0); c.valid() && sampled[1] < limit; c.next()) {
            sampled[0] += 56 + 24 + Types.arrayBytes(c.member().length);
            sampled[1]++;
        }
        long base = 24 + 200 + 16L * Integer.highestOneBit(Math.max(1, size() * 2 - 1));
        return base + (sampled[1] == 0 ? 0 : sampled[0] * size() / sampled[1]);
    }

    /** xorObjectDigest for OBJ_ZSET: per element the member then its score as %.17g mixed, XORed together. */
    @Override
    public void digest(Digest digest) {
        digest.mix(OBJ_ZSET);
        forEach((member, score) -> digest.xor(new Digest().mix(member).mix(DoubleFormat.g17(score))));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        forEach((m, s) -> sb.append(sb.length() > 1 ? ", " : "").append(new String(m, StandardCharsets.UTF_8))
                .append('=').append(s));
        return sb.append(']').toString();
    }

    /** Test hook: the members in order. */
    byte[][] members() {
        byte[][] out = new byte[size()][];
        int[] i = {0};
        forEach((m, s) -> out[i[0]++] = m);
        return out;
    }

    static boolean sameMembers(byte[][] a, byte[][] b) {
        return Arrays.deepEquals(a, b);
    }
}
