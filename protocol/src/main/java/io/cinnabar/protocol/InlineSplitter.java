package io.cinnabar.protocol;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;

/**
 * Splits an inline request line into arguments exactly as Redis's {@code sdssplitargs} does. Ported from Redis
 * 7.0's sds.c, Copyright (c) 2006-2015 Salvatore Sanfilippo, BSD-3-Clause; see NOTICE.
 */
final class InlineSplitter {
    private InlineSplitter() {
    }

    /** Returns the argument count, or -1 for unbalanced quotes (or a closing quote not followed by a space). */
    static int split(ByteBuf in, int start, int end, RequestDecoder target) {
        int nul = in.indexOf(start, end, (byte) 0);
        if (nul >= 0) {
            end = nul; // sdssplitargs reads a C string: a NUL byte ends the line
        }
        int p = start;
        int argc = 0;
        ByteArrayOutputStream current = null;
        while (true) {
            while (p < end && isSpace(in.getByte(p))) {
                p++;
            }
            if (p >= end) {
                return argc;
            }
            boolean inQuotes = false;
            boolean inSingleQuotes = false;
            boolean done = false;
            int plainStart = p;
            if (current != null) {
                current.reset();
            }
            boolean plain = true; // fast path: an argument with no quotes is a plain copy
            while (!done) {
                if (inQuotes) {
                    if (p >= end) {
                        return -1;
                    }
                    byte c = in.getByte(p);
                    if (c == '\\' && p + 3 < end && in.getByte(p + 1) == 'x'
                            && isHex(in.getByte(p + 2)) && isHex(in.getByte(p + 3))) {
                        current.write(hex(in.getByte(p + 2)) * 16 + hex(in.getByte(p + 3)));
                        p += 3;
                    } else if (c == '\\' && p + 1 < end) {
                        p++;
                        byte e = in.getByte(p);
                        switch (e) {
                            case 'n': current.write('\n'); break;
                            case 'r': current.write('\r'); break;
                            case 't': current.write('\t'); break;
                            case 'b': current.write('\b'); break;
                            case 'a': current.write(7); break;
                            default: current.write(e); break;
                        }
                    } else if (c == '"') {
                        if (p + 1 < end && !isSpace(in.getByte(p + 1))) {
                            return -1;
                        }
                        done = true;
                    } else {
                        current.write(c);
                    }
                } else if (inSingleQuotes) {
                    if (p >= end) {
                        return -1;
                    }
                    byte c = in.getByte(p);
                    if (c == '\\' && p + 1 < end && in.getByte(p + 1) == '\'') {
                        p++;
                        current.write('\'');
                    } else if (c == '\'') {
                        if (p + 1 < end && !isSpace(in.getByte(p + 1))) {
                            return -1;
                        }
                        done = true;
                    } else {
                        current.write(c);
                    }
                } else {
                    if (p >= end) {
                        done = true;
                        break;
                    }
                    byte c = in.getByte(p);
                    if (endsPlainArgument(c)) {
                        done = true;
                        break;
                    } else if (c == '"' || c == '\'') {
                        if (plain) {
                            if (current == null) {
                                current = new ByteArrayOutputStream();
                            }
                            for (int i = plainStart; i < p; i++) {
                                current.write(in.getByte(i));
                            }
                            plain = false;
                        }
                        if (c == '"') {
                            inQuotes = true;
                        } else {
                            inSingleQuotes = true;
                        }
                    } else if (!plain) {
                        current.write(c);
                    }
                }
                if (p < end) {
                    p++;
                }
            }
            byte[] arg;
            if (plain) {
                arg = new byte[p - plainStart];
                in.getBytes(plainStart, arg);
            } else {
                arg = current.toByteArray();
            }
            target.addInlineArg(argc++, arg);
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x0b || c == '\f';
    }

    /** Inside an unquoted argument only these end it (sdssplitargs), unlike the isspace() that skips blanks. */
    private static boolean endsPlainArgument(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0;
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return (c | 0x20) - 'a' + 10;
    }
}
