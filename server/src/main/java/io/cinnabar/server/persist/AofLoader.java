package io.cinnabar.server.persist;

import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Engine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import io.cinnabar.server.script.FunctionLibraries;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Replays one AOF file (base or incr) as loadSingleAppendOnlyFile in Redis 7.0.15's aof.c (BSD-3-Clause, see
 * NOTICE): an RDB preamble when the file starts with {@code REDIS} (read by {@link RdbLoader}), then RESP commands run through the normal
 * dispatcher as a fake client that is never answered and never blocks, {@code #} annotation lines skipped. A
 * short read at the end is a truncated tail: with aof-load-truncated the file is cut back to the last whole
 * command (or to before an unfinished MULTI) and loading goes on, otherwise it fails naming the file and offset.
 * Not thread-safe: runs on the executor (or before it starts).
 */
final class AofLoader {
    static final int OK = 0;
    static final int NOT_EXIST = 1;
    static final int EMPTY = 2;
    static final int OPEN_ERR = 3;
    static final int FAILED = 4;
    static final int TRUNCATED = 5;
    /** AOF_ANNOTATION_LINE_MAX_LEN: fgets' buffer. */
    private static final int LINE_MAX = 1024;

    private final Engine engine;
    private final Path dir;
    private final boolean loadTruncated;
    /** What went wrong, for the caller's exception: file, offset and reason. */
    String failure;

    AofLoader(Engine engine, Path dir, boolean loadTruncated) {
        this.engine = engine;
        this.dir = dir;
        this.loadTruncated = loadTruncated;
    }

    private void warn(String s) {
        engine.log().warning(s);
    }

    /** Buffered reading with C stdio's fgets/fread semantics and the offset of what was consumed. */
    static final class Reader {
        private final InputStream in;
        private final byte[] buf = new byte[64 * 1024];
        private int pos;
        private int limit;
        long offset;
        boolean eof;

        Reader(InputStream in) {
            this.in = in;
        }

        private boolean fill() throws IOException {
            if (pos < limit) {
                return true;
            }
            if (eof) {
                return false;
            }
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                eof = true;
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        }

        /** fgets: up to {@code max - 1} bytes, through a newline; the count, or -1 at the end with nothing read. */
        int line(byte[] dst, int max) throws IOException {
            int n = 0;
            while (n < max - 1) {
                if (!fill()) {
                    break;
                }
                byte b = buf[pos++];
                offset++;
                dst[n++] = b;
                if (b == '\n') {
                    break;
                }
            }
            return n == 0 ? -1 : n;
        }

        /** fread: up to {@code len} bytes; how many were read. */
        int read(byte[] dst, int off, int len) throws IOException {
            int n = 0;
            while (n < len) {
                if (!fill()) {
                    break;
                }
                int k = Math.min(len - n, limit - pos);
                System.arraycopy(buf, pos, dst, off + n, k);
                pos += k;
                offset += k;
                n += k;
            }
            return n;
        }

        int skip(int len) throws IOException {
            byte[] scratch = new byte[Math.min(len, 16)];
            int n = 0;
            while (n < len) {
                int k = read(scratch, 0, Math.min(scratch.length, len - n));
                if (k == 0) {
                    break;
                }
                n += k;
            }
            return n;
        }
    }

    /** atoi / strtol on the bytes after the first: digits after an optional sign, 0 when there are none. */
    private static long number(byte[] line, int from, int n) {
        int i = from;
        while (i < n && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        boolean negative = false;
        if (i < n && (line[i] == '-' || line[i] == '+')) {
            negative = line[i] == '-';
            i++;
        }
        long v = 0;
        while (i < n && line[i] >= '0' && line[i] <= '9') {
            v = v * 10 + (line[i] - '0');
            if (v > Integer.MAX_VALUE * 4L) {
                break;
            }
            i++;
        }
        return negative ? -v : v;
    }

    /** loadSingleAppendOnlyFile. */
    int load(String name) throws IOException {
        Path path = dir.resolve(name);
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            warn("The append log file " + name + " doesn't exist: No such file or directory");
            return NOT_EXIST;
        } catch (IOException e) {
            warn("Fatal error: can't open the append log file " + name + " for reading: " + e.getMessage());
            failure = "can't open the append log file " + name + " for reading: " + e.getMessage();
            return OPEN_ERR;
        }
        if (size == 0) {
            return EMPTY;
        }
        long validUpTo = 0;
        long validBeforeMulti = 0;
        long tailFrom = 0;
        if (startsWithRdb(path)) {
            boolean oldStyle = name.equals(engine.config().appendfilename());
            engine.log().notice(oldStyle ? "Reading RDB preamble from AOF file..."
                    : "Reading RDB base file on AOF loading...");
            try {
                tailFrom = loadRdb(path, size);
            } catch (IOException | RuntimeException | FunctionLibraries.LibraryError e) {
                failure = "bad RDB " + (oldStyle ? "preamble" : "base file") + " in " + name + ": "
                        + (e.getMessage() == null ? e.toString() : e.getMessage());
                warn("Error reading the RDB " + (oldStyle ? "preamble of the AOF file " : "base file ") + name
                        + ", AOF loading aborted");
                return FAILED;
            }
            if (oldStyle) {
                engine.log().notice("Reading the remaining AOF tail...");
            }
            validUpTo = tailFrom;
        }
        ByteBuf scratch = Unpooled.buffer(256);
        Client fake = new Client(0, engine, null, new ReplyWriter(scratch));
        fake.authenticated = true;
        fake.denyBlocking = true;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
             InputStream in = Channels.newInputStream(channel.position(tailFrom))) {
            Reader r = new Reader(in);
            r.offset = tailFrom;
            byte[] line = new byte[LINE_MAX];
            while (true) {
                long commandStart = r.offset;
                int n = r.line(line, LINE_MAX);
                if (n < 0) {
                    break; // EOF
                }
                if (line[0] == '#') {
                    continue;
                }
                if (line[0] != '*') {
                    return formatError(name, commandStart, "expected '*' at the start of a command");
                }
                if (n == 1) {
                    return truncated(name, path, validUpTo, commandStart);
                }
                long argc = number(line, 1, n);
                if (argc < 1) {
                    return formatError(name, commandStart, "bad argument count");
                }
                byte[][] argv = new byte[(int) Math.min(argc, 1 << 20)][];
                if (argc > argv.length) {
                    return formatError(name, commandStart, "argument count too large");
                }
                for (int j = 0; j < argc; j++) {
                    int k = r.line(line, LINE_MAX);
                    if (k < 0) {
                        return truncated(name, path, validUpTo, commandStart);
                    }
                    if (line[0] != '$') {
                        return formatError(name, r.offset - k, "expected '$' before an argument");
                    }
                    long len = number(line, 1, k);
                    if (len < 0 || len > Integer.MAX_VALUE - 16) {
                        return formatError(name, r.offset - k, "bad argument length");
                    }
                    byte[] arg = new byte[(int) len];
                    if (len > 0 && r.read(arg, 0, (int) len) < len) {
                        return truncated(name, path, validUpTo, commandStart);
                    }
                    argv[j] = arg;
                    if (r.skip(2) < 2) { // the CRLF, unchecked as in Redis
                        return truncated(name, path, validUpTo, commandStart);
                    }
                }
                if (engine.commands().lookup(argv, argv.length) == null) {
                    warn("Unknown command '" + new String(argv[0], java.nio.charset.StandardCharsets.ISO_8859_1)
                            + "' reading the append only file " + name);
                    failure = "unknown command '" + new String(argv[0], java.nio.charset.StandardCharsets.ISO_8859_1)
                            + "' at offset " + commandStart + " of " + name;
                    return FAILED;
                }
                if (io.cinnabar.protocol.bytes.Ascii.equalsIgnoreCase(argv[0], MULTI)) {
                    validBeforeMulti = validUpTo;
                }
                fake.argv = argv;
                fake.argc = argv.length;
                engine.dispatcher().execute(fake);
                scratch.clear();
                validUpTo = r.offset;
            }
            if (fake.inMulti()) {
                warn("Revert incomplete MULTI/EXEC transaction in AOF file " + name);
                fake.discardTransaction();
                return truncated(name, path, validBeforeMulti, validBeforeMulti);
            }
            return OK;
        } finally {
            fake.discardTransaction();
            scratch.release();
        }
    }

    /** The file's first five bytes are {@code REDIS}: an RDB base or an old-style AOF with an RDB preamble. */
    private static boolean startsWithRdb(Path path) throws IOException {
        byte[] sig = new byte[5];
        int got;
        try (InputStream in = Files.newInputStream(path)) {
            got = in.readNBytes(sig, 0, 5);
        }
        return got == 5 && sig[0] == 'R' && sig[1] == 'E' && sig[2] == 'D' && sig[3] == 'I' && sig[4] == 'S';
    }

    /**
     * rdbLoadRio with RDBFLAGS_AOF_PREAMBLE: the RDB part goes straight into the keyspace (which is empty, or holds
     * what earlier files of the manifest loaded), keys already expired included, as Redis keeps them for a
     * preamble; function libraries are created. Returns the offset just past the RDB's checksum, where the command
     * tail starts: the loader reads ahead in chunks, so the tail is read from a stream of its own from there.
     */
    private long loadRdb(Path path, long size) throws IOException, FunctionLibraries.LibraryError {
        io.cinnabar.server.db.Keyspace keyspace = engine.keyspace();
        RdbInput in;
        RdbLoader.Result result;
        try (InputStream stream = Files.newInputStream(path)) {
            in = new RdbInput(stream);
            result = RdbLoader.load(in, keyspace, engine.config(), engine.clock().millis(), false, engine.log(),
                    size);
        }
        if (!result.libraries.isEmpty()) {
            engine.scripts().functions().installLoaded(result.libraries, true, true);
        }
        engine.log().notice("Done loading RDB, keys loaded: " + result.keysLoaded + ", keys expired: "
                + result.keysExpired + ".");
        return in.offset();
    }

    private static final byte[] MULTI = {'M', 'U', 'L', 'T', 'I'};

    private int formatError(String name, long offset, String what) {
        warn("Bad file format reading the append only file " + name + ": make a backup of your AOF file, then use "
                + "./redis-check-aof --fix <filename.manifest>");
        failure = "bad file format reading the append only file " + name + " at offset " + offset + ": " + what;
        return FAILED;
    }

    /** The uxeof label: a truncated tail is cut off when aof-load-truncated allows it. */
    private int truncated(String name, Path path, long validUpTo, long at) throws IOException {
        if (loadTruncated) {
            warn("!!! Warning: short read while loading the AOF file " + name + "!!!");
            warn("!!! Truncating the AOF " + name + " at offset " + validUpTo + " !!!");
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                ch.truncate(validUpTo);
                warn("AOF " + name + " loaded anyway because aof-load-truncated is enabled");
                return TRUNCATED;
            } catch (IOException e) {
                warn("Error truncating the AOF file " + name + ": " + e.getMessage());
            }
        }
        warn("Unexpected end of file reading the append only file " + name + ". You can: 1) Make a backup of your "
                + "AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the "
                + "'aof-load-truncated' configuration option to yes and restart the server.");
        failure = "unexpected end of file reading the append only file " + name + ": the command at offset " + at
                + " is cut short (the last whole command ends at offset " + validUpTo + ")";
        return FAILED;
    }
}
