package io.cinnabar.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's {@code tonumber} as Redis's Lua runs it (lbaselib.c luaB_tonumber over glibc): base 10 goes through
 * luaO_str2d, which is C's strtod (so "inf", "-infinity", "nan", "nan(123)", hex floats "0x1p4" and "-0x10" are
 * numbers) followed by only whitespace; other bases go through strtoul (unsigned: "-5" wraps to 2^64-5, overflow
 * gives 2^64-1). Both read the string as C does, up to its first NUL byte. luaj's own tonumber knows none of this.
 */
final class LuaToNumber extends VarArgFunction {

    @Override
    public Varargs invoke(Varargs args) {
        LuaValue v = args.arg1();
        int base = 10;
        LuaValue b = args.arg(2);
        if (!b.isnil()) {
            if (!b.isnumber()) {
                throw new LuaError("bad argument #2 to 'tonumber' (number expected, got " + typeName(args, 2) + ")");
            }
            base = (int) (long) b.todouble();
        }
        if (base == 10) {
            if (args.narg() == 0) {
                throw new LuaError("bad argument #1 to 'tonumber' (value expected)");
            }
            if (v.type() == LuaValue.TNUMBER) {
                return v;
            }
            if (v.type() != LuaValue.TSTRING) {
                return LuaValue.NIL;
            }
            Double d = str2d(cString(v.checkstring()));
            return d == null ? LuaValue.NIL : LuaValue.valueOf(d);
        }
        byte[] s;
        if (v.type() == LuaValue.TSTRING) {
            s = cString(v.checkstring());
        } else if (v.type() == LuaValue.TNUMBER) {
            s = LuaBridge.formatNumber(v.todouble()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        } else {
            throw new LuaError("bad argument #1 to 'tonumber' (string expected, got " + typeName(args, 1) + ")");
        }
        if (base < 2 || base > 36) {
            throw new LuaError("bad argument #2 to 'tonumber' (base out of range)");
        }
        return strtoulNumber(s, base);
    }

    private static String typeName(Varargs args, int i) {
        return i > args.narg() ? "no value" : args.arg(i).typename();
    }

    /** The bytes before the first NUL, as C sees the string. */
    private static byte[] cString(LuaString s) {
        int n = 0;
        while (n < s.m_length && s.m_bytes[s.m_offset + n] != 0) {
            n++;
        }
        byte[] out = new byte[n];
        System.arraycopy(s.m_bytes, s.m_offset, out, 0, n);
        return out;
    }

    static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static boolean isHex(byte[] s, int i) {
        return i < s.length && Character.digit(s[i], 16) >= 0;
    }

    private static boolean isDigit(byte[] s, int i) {
        return i < s.length && s[i] >= '0' && s[i] <= '9';
    }

    private static boolean matchesIgnoreCase(byte[] s, int i, String word) {
        if (i + word.length() > s.length) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (Character.toLowerCase(s[i + k]) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** luaO_str2d: strtod, then only whitespace may follow; null when the string is no number. */
    static Double str2d(byte[] s) {
        int[] end = new int[1];
        double d = strtod(s, end);
        if (end[0] < 0) {
            return null;
        }
        int i = end[0];
        while (i < s.length && isSpace(s[i])) {
            i++;
        }
        return i == s.length ? d : null;
    }

    /** glibc's strtod in the C locale; {@code end[0]} is the index after the number, or -1 when there is none. */
    static double strtod(byte[] s, int[] end) {
        int i = 0;
        while (i < s.length && isSpace(s[i])) {
            i++;
        }
        boolean negative = false;
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        double value;
        if (matchesIgnoreCase(s, i, "inf")) {
            i += matchesIgnoreCase(s, i, "infinity") ? 8 : 3;
            value = Double.POSITIVE_INFINITY;
        } else if (matchesIgnoreCase(s, i, "nan")) {
            i += 3;
            if (i < s.length && s[i] == '(') {
                int j = i + 1;
                while (j < s.length && (Character.isLetterOrDigit(s[j]) && s[j] < 128 || s[j] == '_')) {
                    j++;
                }
                if (j < s.length && s[j] == ')') {
                    i = j + 1;
                }
            }
            end[0] = i;
            return Double.longBitsToDouble(negative ? 0xfff8000000000000L : 0x7ff8000000000000L);
        } else if (i + 1 < s.length && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')
                && (isHex(s, i + 2) || (i + 2 < s.length && s[i + 2] == '.' && isHex(s, i + 3)))) {
            StringBuilder mantissa = new StringBuilder("0x");
            i += 2;
            while (isHex(s, i)) {
                mantissa.append((char) s[i++]);
            }
            if (i < s.length && s[i] == '.') {
                mantissa.append('.');
                i++;
                while (isHex(s, i)) {
                    mantissa.append((char) s[i++]);
                }
            }
            String exponent = "p0";
            if (i < s.length && (s[i] == 'p' || s[i] == 'P')) {
                int j = i + 1;
                if (j < s.length && (s[j] == '+' || s[j] == '-')) {
                    j++;
                }
                if (isDigit(s, j)) {
                    while (isDigit(s, j)) {
                        j++;
                    }
                    exponent = "p" + clampExponent(new String(s, i + 1, j - i - 1, java.nio.charset.StandardCharsets.US_ASCII));
                    i = j;
                }
            }
            value = Double.parseDouble(mantissa + exponent);
        } else {
            int start = i;
            int digits = 0;
            while (isDigit(s, i)) {
                i++;
                digits++;
            }
            if (i < s.length && s[i] == '.') {
                i++;
                while (isDigit(s, i)) {
                    i++;
                    digits++;
                }
            }
            if (digits == 0) {
                end[0] = -1;
                return 0;
            }
            String number = new String(s, start, i - start, java.nio.charset.StandardCharsets.US_ASCII);
            if (i < s.length && (s[i] == 'e' || s[i] == 'E')) {
                int j = i + 1;
                if (j < s.length && (s[j] == '+' || s[j] == '-')) {
                    j++;
                }
                if (isDigit(s, j)) {
                    while (isDigit(s, j)) {
                        j++;
                    }
                    number += "e" + clampExponent(new String(s, i + 1, j - i - 1, java.nio.charset.StandardCharsets.US_ASCII));
                    i = j;
                }
            }
            value = Double.parseDouble(number);
        }
        end[0] = i;
        return negative ? -value : value;
    }

    /** An exponent Java parses whatever its digits (strtod saturates to inf or 0 the same way). */
    private static String clampExponent(String e) {
        boolean minus = e.startsWith("-");
        String digits = e.replaceFirst("^[+-]", "").replaceFirst("^0+(?=.)", "");
        if (digits.length() > 6) {
            digits = "999999";
        }
        return (minus ? "-" : "") + digits;
    }

    /** strtoul in {@code base} (2..36), then only whitespace may follow; the result as a double, or nil. */
    private static LuaValue strtoulNumber(byte[] s, int base) {
        int i = 0;
        while (i < s.length && isSpace(s[i])) {
            i++;
        }
        boolean negative = false;
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        if (base == 16 && i + 1 < s.length && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X') && isHex(s, i + 2)) {
            i += 2;
        }
        long value = 0;
        boolean overflow = false;
        int digits = 0;
        while (i < s.length) {
            int d = Character.digit(s[i], 36);
            if (d < 0 || d >= base || s[i] >= 128) {
                break;
            }
            long times = value * base;
            if (!overflow && (Long.compareUnsigned(value, Long.divideUnsigned(-1L, base)) > 0
                    || Long.compareUnsigned(times + d, times) < 0)) {
                overflow = true;
            }
            value = times + d;
            digits++;
            i++;
        }
        if (digits == 0) {
            return LuaValue.NIL;
        }
        while (i < s.length && isSpace(s[i])) {
            i++;
        }
        if (i != s.length) {
            return LuaValue.NIL;
        }
        if (overflow) {
            value = -1L;
        } else if (negative) {
            value = -value;
        }
        return LuaValue.valueOf(unsignedToDouble(value));
    }

    private static double unsignedToDouble(long v) {
        if (v >= 0) {
            return v;
        }
        // round to nearest as the C conversion does: halve keeping the sticky bit, convert, double
        return ((double) ((v >>> 1) | (v & 1))) * 2.0;
    }
}
