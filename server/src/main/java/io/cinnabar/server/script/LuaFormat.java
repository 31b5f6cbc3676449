package io.cinnabar.server.script;

import io.cinnabar.protocol.bytes.DoubleFormat;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * string.format with C's printf semantics, as Lua 5.1 passes each conversion to sprintf: %d takes the number as a
 * long (so 2^31 prints whole), %g strips zeros, %f rounds the exact binary value, %s prints numbers with %.14g.
 */
final class LuaFormat extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs args) {
        LuaString fmt = args.checkstring(1);
        byte[] f = RedisLibrary.bytesOf(fmt);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int arg = 1;
        for (int i = 0; i < f.length; i++) {
            byte c = f[i];
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (++i >= f.length) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            if (f[i] == '%') {
                out.write('%');
                continue;
            }
            int start = i;
            while (i < f.length && "-+ #0".indexOf(f[i]) >= 0) {
                i++;
            }
            if (i - start > 5) {
                throw new LuaError("invalid format (repeated flags)");
            }
            // scanformat: a width and a precision of two digits at most
            for (int d = 0; d < 2 && i < f.length && isDigit(f[i]); d++) {
                i++;
            }
            if (i < f.length && f[i] == '.') {
                i++;
                for (int d = 0; d < 2 && i < f.length && isDigit(f[i]); d++) {
                    i++;
                }
            }
            if (i < f.length && isDigit(f[i])) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            if (i >= f.length) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            String spec = new String(f, start, i - start, StandardCharsets.US_ASCII);
            char conversion = (char) f[i];
            arg++;
            if (arg > args.narg()) {
                argError(arg, "no value");
            }
            LuaValue v = args.arg(arg);
            String piece;
            switch (conversion) {
                // (long) and (unsigned long) casts of the number as x86-64 does them; sprintf's output is then
                // taken with strlen, so a %c of 0 adds nothing
                case 'd', 'i' -> piece = formatInteger(spec, LuaReplies.toLongLikeC(number(v, arg)), 10, false);
                case 'u' -> piece = formatInteger(spec, toUnsignedLongLikeC(number(v, arg)), 10, true);
                case 'o' -> piece = formatInteger(spec, toUnsignedLongLikeC(number(v, arg)), 8, true);
                case 'x' -> piece = formatInteger(spec, toUnsignedLongLikeC(number(v, arg)), 16, true);
                case 'X' -> piece = formatInteger(spec, toUnsignedLongLikeC(number(v, arg)), 16, true).toUpperCase();
                case 'c' -> {
                    double d = number(v, arg);
                    int ch = d > -2147483649.0 && d < 2147483648.0 ? (int) d : Integer.MIN_VALUE;
                    piece = pad(spec, String.valueOf((char) (ch & 0xff)));
                    int nul = piece.indexOf('\0');
                    if (nul >= 0) {
                        piece = piece.substring(0, nul);
                    }
                }
                case 'e', 'E', 'f', 'g', 'G' -> piece = formatFloat(spec, conversion, number(v, arg));
                case 'q' -> piece = quoted(v.checkstring());
                case 's' -> {
                    // luaL_checklstring, then lstrlib.c: without a precision a string of 100 bytes or more is
                    // copied whole; otherwise sprintf formats it as a C string (to its first NUL). Bytes are
                    // carried one per char (ISO-8859-1), as every piece here.
                    if (!v.isstring()) {
                        argError(arg, "string expected, got " + (v.isnil() && args.narg() < arg ? "no value" : v.typename()));
                    }
                    byte[] raw = v.type() == LuaValue.TNUMBER
                            ? LuaBridge.formatNumber(v.todouble()).getBytes(StandardCharsets.US_ASCII)
                            : RedisLibrary.bytesOf(v.checkstring());
                    if (spec.indexOf('.') < 0 && raw.length >= 100) {
                        out.write(raw, 0, raw.length);
                        continue;
                    }
                    int nul = 0;
                    while (nul < raw.length && raw[nul] != 0) {
                        nul++;
                    }
                    String s = new String(raw, 0, nul, StandardCharsets.ISO_8859_1);
                    int dot = spec.indexOf('.');
                    if (dot >= 0) {
                        int precision = spec.length() > dot + 1 ? Integer.parseInt(spec.substring(dot + 1)) : 0;
                        if (s.length() > precision) {
                            s = s.substring(0, precision);
                        }
                        spec = spec.substring(0, dot);
                    }
                    piece = pad(spec, s);
                }
                default -> throw new LuaError("invalid option '%" + conversion + "' to 'format'");
            }
            byte[] bytes = piece.getBytes(StandardCharsets.ISO_8859_1);
            out.write(bytes, 0, bytes.length);
        }
        return LuaString.valueUsing(out.toByteArray());
    }

    /** (unsigned long) of a double as gcc compiles it on x86-64: infinity and 2^64 and up give 0, NaN 2^63. */
    static long toUnsignedLongLikeC(double d) {
        if (Double.isNaN(d) || d < 9.223372036854775807E18) {
            return LuaReplies.toLongLikeC(d); // NaN takes this branch too: 0x8000000000000000
        }
        return LuaReplies.toLongLikeC(d - 9.223372036854775807E18) ^ Long.MIN_VALUE;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static String argError(int arg, String message) {
        throw new LuaError("bad argument #" + arg + " to 'format' (" + message + ")");
    }

    private static double number(LuaValue v, int arg) {
        if (v.type() == LuaValue.TNUMBER) {
            return v.todouble();
        }
        LuaValue n = v.tonumber();
        if (n.isnil()) {
            argError(arg, "number expected, got " + (v.isnil() ? "no value" : v.typename()));
        }
        return n.todouble();
    }

    private static String formatInteger(String spec, long v, int radix, boolean unsigned) {
        boolean negative = !unsigned && v < 0;
        String digits = unsigned ? Long.toUnsignedString(v, radix) : Long.toString(Math.abs(v), radix);
        if (v == Long.MIN_VALUE && !unsigned) {
            digits = "9223372036854775808";
        }
        int dot = spec.indexOf('.');
        if (dot >= 0) {
            int precision = spec.length() > dot + 1 ? Integer.parseInt(spec.substring(dot + 1)) : 0;
            while (digits.length() < precision) {
                digits = "0" + digits;
            }
            spec = spec.substring(0, dot).replace("0", ""); // a precision disables zero padding
        }
        if (spec.contains("#") && radix == 8 && !digits.startsWith("0")) {
            digits = "0" + digits;
        } else if (spec.contains("#") && radix == 16 && v != 0) {
            digits = "0x" + digits;
        }
        String sign = negative ? "-" : spec.contains("+") && !unsigned ? "+" : spec.contains(" ") && !unsigned ? " " : "";
        return padNumber(spec, sign, digits);
    }

    private static String formatFloat(String spec, char conversion, double v) {
        int dot = spec.indexOf('.');
        int precision = 6;
        String flags = spec;
        if (dot >= 0) {
            precision = spec.length() > dot + 1 ? Integer.parseInt(spec.substring(dot + 1)) : 0;
            flags = spec.substring(0, dot);
        }
        String body;
        boolean negative = v < 0 || (v == 0 && 1 / v < 0);
        double a = Math.abs(v);
        if (Double.isNaN(v)) {
            body = "nan";
            negative = false;
        } else if (Double.isInfinite(v)) {
            body = "inf";
        } else {
            switch (Character.toLowerCase(conversion)) {
                case 'f' -> body = new BigDecimal(a).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
                case 'e' -> body = exponent(a, precision);
                default -> {
                    body = DoubleFormat.formatG(a, precision == 0 ? 1 : precision);
                    if (flags.contains("#") && !body.contains(".") && !body.contains("e")) {
                        body = body + ".";
                    }
                }
            }
            if (flags.contains("#") && precision == 0 && Character.toLowerCase(conversion) == 'f') {
                body = body + ".";
            }
        }
        if (Character.isUpperCase(conversion)) {
            body = body.toUpperCase();
        }
        String sign = negative ? "-" : flags.contains("+") ? "+" : flags.contains(" ") ? " " : "";
        return padNumber(flags, sign, body);
    }

    private static String exponent(double a, int precision) {
        if (a == 0) {
            return String.format(java.util.Locale.ROOT, "%." + precision + "e", 0.0);
        }
        BigDecimal d = new BigDecimal(a);
        int exp = d.precision() - d.scale() - 1;
        BigDecimal mantissa = d.movePointLeft(exp).setScale(precision, RoundingMode.HALF_EVEN);
        if (mantissa.compareTo(BigDecimal.TEN) >= 0) {
            exp++;
            mantissa = d.movePointLeft(exp).setScale(precision, RoundingMode.HALF_EVEN);
        }
        String e = Integer.toString(Math.abs(exp));
        return mantissa.toPlainString() + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }

    private static int width(String flags) {
        String digits = flags.replaceAll("^[-+ #0]*", "");
        return digits.isEmpty() ? 0 : Integer.parseInt(digits);
    }

    private static String padNumber(String flags, String sign, String body) {
        int width = width(flags);
        int len = sign.length() + body.length();
        if (len >= width) {
            return sign + body;
        }
        String fill = " ".repeat(width - len);
        if (flags.contains("-")) {
            return sign + body + fill;
        }
        if (flags.replaceAll("[1-9].*", "").contains("0")) {
            return sign + "0".repeat(width - len) + body;
        }
        return fill + sign + body;
    }

    private static String pad(String flags, String s) {
        int width = width(flags);
        if (s.length() >= width) {
            return s;
        }
        String fill = " ".repeat(width - s.length());
        return flags.contains("-") ? s + fill : fill + s;
    }

    /** %q: a double-quoted Lua literal. */
    private static String quoted(LuaString s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.m_length; i++) {
            int c = s.m_bytes[s.m_offset + i] & 0xff;
            switch (c) {
                case '"', '\\' -> sb.append('\\').append((char) c);
                case '\n' -> sb.append("\\\n");
                case '\r' -> sb.append("\\r");
                case 0 -> sb.append("\\000");
                default -> sb.append((char) c);
            }
        }
        return sb.append('"').toString();
    }
}
