package io.cinnabar.server.script;

import io.cinnabar.protocol.bytes.DoubleFormat;
import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.command.CommandFlags;
import io.cinnabar.server.command.CommandSpec;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Engine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.MathLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.ZeroArgFunction;

/**
 * One Lua VM as Redis's script_lua.c sets it up and drives it, shared by EVAL and functions (Redis runs one VM for
 * each): the sandboxed globals (luaj underneath, Lua 5.1 on the surface), compiling chunks, running one script with
 * Redis's reply conversion and error texts, and the redis.call bridge into the dispatcher. The EVAL cache
 * ({@link EvalScripts}) and the function libraries ({@link FunctionLibraries}) are built on it. Not thread-safe: it
 * runs on whichever thread owns the keyspace while the script runs.
 *
 * <p>Ported from Redis 7.0 (script_lua.c), Copyright (c) 2006-2022 Salvatore Sanfilippo and Redis Ltd., BSD-3-Clause;
 * see NOTICE.
 */
final class LuaBridge {
    /**
     * Lua's LUAI_MAXCSTACK: a C function's arguments plus the values it pushes may not exceed it (lua_checkstack),
     * so unpack(t) returns at most 7999 values and string.byte(s, i, j) 7997.
     */
    static final int MAX_C_STACK = 8000;
    private static final Object STRING_METATABLE_LOCK = new Object();
    private static volatile LuaTable sharedStringLibrary;

    private final ScriptRunner runner;
    private final Engine engine;
    /** EVAL's VM (KEYS and ARGV globals, chunks named user_script) or the functions' VM (user_function). */
    private final boolean evalMode;
    private final String chunk;
    final SandboxGlobals globals = new SandboxGlobals();
    private final InstructionHook hook = new InstructionHook(this::checkInterrupts);
    /** The functions' VM: the empty table library code sees as its globals (load-time or run-time API behind it). */
    private final FunctionGlobals functionGlobals;
    private final Client scriptClient;
    private final ByteBuf scratch = Unpooled.buffer(256);

    /**
     * The source names C Lua gives chunks from loadstring/load (the string itself, or the name given), where luaj's
     * prototypes carry the printable "=[string ...]" form: string.dump writes these.
     */
    final java.util.Map<org.luaj.vm2.Prototype, LuaString> loadedSources = new java.util.WeakHashMap<>();

    // state of the running script
    private String runningName;
    private boolean readOnly;
    private int resp = 2;
    private int lastErrorLine = -1;
    /** While a library loads: when it started and how long it may run (0: no limit, as when restoring). */
    private long loadStart;
    private long loadTimeoutNanos;
    private boolean loading;

    LuaBridge(ScriptRunner runner, boolean evalMode) {
        this.runner = runner;
        this.engine = runner.engine();
        this.evalMode = evalMode;
        this.chunk = evalMode ? "user_script" : "user_function";
        this.scriptClient = engine.scriptClient(new ReplyWriter(scratch));
        buildSandbox();
        this.functionGlobals = evalMode ? null : new FunctionGlobals(globals);
    }

    boolean evalMode() {
        return evalMode;
    }

    /** The globals compiled chunks get: the sandbox's for EVAL, the switching table for functions. */
    LuaTable chunkEnv() {
        return evalMode ? globals : functionGlobals.table();
    }

    FunctionGlobals functionGlobals() {
        return functionGlobals;
    }

    // ---- the sandbox ----

    private void buildSandbox() {
        SandboxGlobals g = globals;
        g.load(new BaseLib());
        g.load(new PackageLib());
        g.load(new TableLib());
        g.load(new StringLib());
        g.load(new MathLib());
        g.load(new CoroutineLib());
        LoadState.install(g);
        LuaC.install(g);
        // every chunk runs on the C-Lua-compatible loop (number concatenation, error positions)
        g.loader = (prototype, chunkname, env) -> new CLuaClosure(prototype, env, g);
        g.owner = this;
        g.load(hook); // installs the instruction hook; the debug table it adds is removed below
        for (String name : new String[] {"dofile", "loadfile", "print", "rawlen", "package", "require", "debug",
            "module", "bit32", "io", "os", "luajava"}) {
            g.rawset(LuaValue.valueOf(name), LuaValue.NIL);
        }
        g.rawset(LuaValue.valueOf("_VERSION"), LuaValue.valueOf("Lua 5.1"));
        LuaValue table = g.get("table");
        LuaTable table51 = ReadOnlyTable.copyOf(table).unsealedCopy();
        table51.rawset("getn", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue t) {
                return LuaValue.valueOf(t.checktable().length());
            }
        });
        table51.rawset("unpack", new Unpack());
        table51.rawset("concat", new TableConcat(table.get("concat")));
        g.rawset(LuaValue.valueOf("table"), seal(table51));
        g.rawset(LuaValue.valueOf("unpack"), new Unpack());
        g.rawset(LuaValue.valueOf("string"), stringLibrary(g.get("string")));
        LuaTable math = ReadOnlyTable.copyOf(g.get("math")).unsealedCopy();
        math.rawset("random", runner.random.random());
        math.rawset("randomseed", runner.random.randomseed());
        math.rawset("fmod", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                // C's fmod, exact (luaj's is not); gcc checks the second argument first
                double divisor = number(args, 2);
                return LuaValue.valueOf(number(args, 1) % divisor);
            }

            private double number(Varargs args, int n) {
                LuaValue v = args.arg(n);
                Double d = v.type() == LuaValue.TNUMBER ? Double.valueOf(v.todouble())
                        : v.type() == LuaValue.TSTRING ? LuaToNumber.str2d(RedisLibrary.bytesOf(v.checkstring())) : null;
                if (d == null) {
                    throw new LuaError("bad argument #" + n + " to 'fmod' (number expected, got "
                            + (n > args.narg() ? "no value" : v.typename()) + ")");
                }
                return d;
            }
        });
        g.rawset(LuaValue.valueOf("math"), seal(math));
        g.rawset(LuaValue.valueOf("coroutine"), ReadOnlyTable.copyOf(g.get("coroutine")));
        g.rawset(LuaValue.valueOf("tostring"), new ToString());
        g.rawset(LuaValue.valueOf("tonumber"), new LuaToNumber());
        g.rawset(LuaValue.valueOf("error"), new ErrorFunction());
        g.rawset(LuaValue.valueOf("pcall"), new RedisPcall(g.get("pcall")));
        g.rawset(LuaValue.valueOf("rawset"), new ProtectedTableGuard(g.get("rawset")));
        g.rawset(LuaValue.valueOf("setmetatable"), new ProtectedTableGuard(g.get("setmetatable")));
        g.rawset(LuaValue.valueOf("loadstring"), new LoadString());
        g.rawset(LuaValue.valueOf("load"), new Load51());
        g.rawset(LuaValue.valueOf("collectgarbage"), new CollectGarbage());
        g.rawset(LuaValue.valueOf("gcinfo"), new ZeroArgFunction() {
            @Override
            public LuaValue call() {
                return LuaValue.valueOf((int) (Engine.usedMemory() / 1024));
            }
        });
        g.rawset(LuaValue.valueOf("redis"), seal(new RedisLibrary(this).table()));
        g.rawset(LuaValue.valueOf("bit"), seal(LuaBit.table()));
        g.rawset(LuaValue.valueOf("cjson"), seal(LuaCjson.table()));
        g.rawset(LuaValue.valueOf("cmsgpack"), seal(LuaCmsgpack.table()));
        g.rawset(LuaValue.valueOf("struct"), seal(LuaStruct.table()));
        g.rawset(LuaValue.valueOf("__redis__err__handler"), new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue err) {
                return err;
            }
        });
        if (evalMode) {
            g.hostSet("KEYS", new LuaTable());
            g.hostSet("ARGV", new LuaTable());
        }
        LuaTable meta = new LuaTable();
        meta.rawset(LuaValue.INDEX, NONEXISTENT_GLOBAL);
        g.setmetatable(meta);
        g.lock();
    }

    private static LuaTable seal(LuaTable t) {
        return ReadOnlyTable.copyOf(t);
    }

    /**
     * The string library is shared by every sandbox in the JVM, because luaj keeps the string metatable in a static:
     * both are read-only, so no script can change them for another.
     */
    private static LuaTable stringLibrary(LuaValue fresh) {
        synchronized (STRING_METATABLE_LOCK) {
            if (sharedStringLibrary == null) {
                LuaTable lib = ReadOnlyTable.copyOf(fresh).unsealedCopy();
                lib.rawset("format", new LuaFormat());
                lib.rawset("rep", new StringRep());
                lib.rawset("sub", new StringSub());
                lib.rawset("byte", new VarArgFunction() {
                    @Override
                    public Varargs invoke(Varargs args) {
                        // str_byte with lua_Integer positions cast as C casts them
                        byte[] str = stringArgument(args, 1, "byte");
                        long l = str.length;
                        long posi = StringSub.relative(integerArgument(args, 2, "byte", 1L), l);
                        long pose = StringSub.relative(integerArgument(args, 3, "byte", posi), l);
                        if (posi <= 0) {
                            posi = 1;
                        }
                        if (pose > l) {
                            pose = l;
                        }
                        if (posi > pose) {
                            return LuaValue.NONE;
                        }
                        int n = (int) (pose - posi + 1);
                        if ((long) n + args.narg() > MAX_C_STACK) {
                            throw new LuaError("stack overflow (string slice too long)");
                        }
                        LuaValue[] values = new LuaValue[n];
                        for (int i = 0; i < n; i++) {
                            values[i] = LuaValue.valueOf(str[(int) posi + i - 1] & 0xff);
                        }
                        return LuaValue.varargsOf(values);
                    }
                });
                lib.rawset("char", new VarArgFunction() {
                    @Override
                    public Varargs invoke(Varargs args) {
                        // luaL_checkint: the lua_Integer cast to int (its low 32 bits), then one byte or an error
                        byte[] out = new byte[args.narg()];
                        for (int i = 1; i <= out.length; i++) {
                            int c = (int) integerArgument(args, i, "char", null);
                            if ((c & 0xff) != c) {
                                throw new LuaError("bad argument #" + i + " to 'char' (invalid value)");
                            }
                            out[i - 1] = (byte) c;
                        }
                        return LuaString.valueUsing(out);
                    }
                });
                lib.rawset("upper", new AsciiCase("upper", true));
                lib.rawset("lower", new AsciiCase("lower", false));
                lib.rawset("dump", new VarArgFunction() {
                    @Override
                    public Varargs invoke(Varargs args) {
                        LuaValue f = args.arg1();
                        if (!f.isfunction()) {
                            throw new LuaError("bad argument #1 to 'dump' (function expected, got "
                                    + (args.narg() == 0 ? "no value" : f.typename()) + ")");
                        }
                        if (!(f instanceof org.luaj.vm2.LuaClosure closure)) {
                            throw new LuaError(LuaValue.valueOf("unable to dump given function"));
                        }
                        LuaString source = null;
                        if (closure instanceof CLuaClosure c && c.globals() instanceof SandboxGlobals g && g.owner != null) {
                            source = g.owner.loadedSources.get(closure.p);
                        }
                        byte[] chunk = LuaDump.dump(closure.p, source);
                        reserve(chunk.length);
                        return LuaString.valueUsing(chunk);
                    }
                });
                ReadOnlyTable sealed = ReadOnlyTable.copyOf(lib);
                ReadOnlyTable meta = new ReadOnlyTable();
                meta.rawset(LuaValue.INDEX, sealed);
                meta.seal();
                sharedStringLibrary = sealed;
                LuaString.s_metatable = meta;
            }
            return sharedStringLibrary;
        }
    }

    /** The text a script sees for a Java exception under it (never Java's own text). */
    static final String INTERNAL_ERROR = "internal error in the Lua engine, see the server log";

    /** A Java exception raised under a Lua call: logged with its stack trace, turned into a plain Lua error. */
    static LuaError internalError(org.luaj.vm2.Globals g, Throwable e) {
        if (g instanceof SandboxGlobals sandbox && sandbox.owner != null) {
            sandbox.owner.logInternalError(e);
        }
        return new LuaError(INTERNAL_ERROR);
    }

    private void logInternalError(Throwable e) {
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        engine.log().warning("Internal error in a script" + (runningName == null ? "" : " (" + runningName + ")")
                + ": " + trace);
    }

    /** Called by the interpreter where an error was raised: the line Redis's reply names. */
    static void lastErrorLine(org.luaj.vm2.Globals g, int line) {
        if (g instanceof SandboxGlobals sandbox && sandbox.owner != null) {
            sandbox.owner.lastErrorLine = line;
        }
    }

    /** "@user_script:3 msg" (luaj) becomes "user_script:3: msg" (C Lua); remembers the line for the reply. */
    private String cLuaPosition(String message) {
        java.util.regex.Matcher m = POSITION.matcher(message);
        if (m.find()) {
            lastErrorLine = Integer.parseInt(m.group(2));
            return m.group(1) + ":" + m.group(2) + ": " + message.substring(m.end());
        }
        return message;
    }

    private static final java.util.regex.Pattern POSITIONED = java.util.regex.Pattern.compile("^[^:\\s]+:\\d+: ");
    private static final java.util.regex.Pattern POSITION = java.util.regex.Pattern.compile("^@?([^:\\s]+):(\\d+) ");

    /**
     * The __index of a protected globals table (luaSetErrorMetatable): reading a name that is not there is an error,
     * so a typo, print or loadfile fail loudly instead of yielding nil.
     */
    static final LuaValue NONEXISTENT_GLOBAL = new TwoArgFunction() {
        @Override
        public LuaValue call(LuaValue table, LuaValue key) {
            throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
        }
    };

    /** Redis's text for a chunk that does not compile, without the caller's prefix. */
    static final class CompileError extends Exception {
        CompileError(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Compiles {@code body} from {@code offset} (past an EVAL shebang or a library's metadata line, whose line break
     * is kept so that line numbers count from the body's first line) as the {@code @user_script} or
     * {@code @user_function} chunk, with this VM's globals.
     */
    LuaFunction compile(byte[] body, int offset) throws CompileError {
        if (body.length > offset && body[offset] == 27) {
            throw new CompileError(chunk + ": bad binary format (precompiled chunk)");
        }
        String syntax = Lua51Syntax.check(body, offset, chunk, 0);
        if (syntax != null) {
            throw new CompileError(syntax);
        }
        byte[] source = Lua51Syntax.forLuaj(body, offset);
        try {
            return globals.load(new ByteArrayInputStream(source, offset, source.length - offset), "@" + chunk, "t",
                    chunkEnv()).checkfunction();
        } catch (LuaError e) {
            throw new CompileError(luaSyntaxMessage(cLuaPosition(e.getMessage())));
        }
    }

    /** luaj's reserved tokens from TK_AND (257) to TK_EOS (286), as C Lua prints them. */
    private static final String[] TOKENS = {"and", "break", "do", "else", "elseif", "end", "false", "for",
        "function", "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until",
        "while", "..", "...", "==", ">=", "<=", "~=", "::", "<eof>"};
    private static final java.util.regex.Pattern UNEXPECTED =
            java.util.regex.Pattern.compile("unexpected symbol (\\d+) \\((.)\\)$");

    /** luaj says "unexpected symbol 43 (+)" where C Lua says "unexpected symbol near '+'". */
    private static String luaSyntaxMessage(String message) {
        java.util.regex.Matcher m = UNEXPECTED.matcher(message);
        if (!m.find()) {
            return message;
        }
        int token = Integer.parseInt(m.group(1));
        String text = token < 257 ? (token < 32 ? "char(" + token + ")" : m.group(2))
                : token - 257 < TOKENS.length ? TOKENS[token - 257] : null;
        return message.substring(0, m.start()) + (text == null ? "unexpected symbol" : "unexpected symbol near '" + text + "'");
    }

    /** Makes the script client act for {@code caller} (database, user, RESP2 until redis.setresp). */
    void prepareClient(Client caller) {
        scriptClient.prepareFor(caller);
    }

    // ---- running ----

    /** The script body, which owns the keyspace until it returns. */
    void execute(ScriptRunner.Run run) {
        if (evalMode) {
            globals.hostSet("KEYS", run.keys);
            globals.hostSet("ARGV", run.args);
        }
        runningName = run.name;
        readOnly = run.readOnly;
        resp = 2;
        scriptClient.reply.protocol(2);
        lastErrorLine = -1;
        hook.reset();
        ReplyWriter out = run.out;
        LuaReplies.ErrorSink errors = message -> {
            out.error(message);
            run.failed = true;
            engine.stats().countErrorMessage(new String(message, StandardCharsets.UTF_8));
        };
        io.cinnabar.server.db.Propagator target = engine.keyspace().propagator();
        io.cinnabar.server.db.EffectsBatch effects = target.active() ? new io.cinnabar.server.db.EffectsBatch() : null;
        if (effects != null) {
            engine.keyspace().propagator(effects);
        }
        try {
            LuaValue result = evalMode ? run.function.call() : run.function.call(run.keys, run.args);
            // the error handler and the result are on the Lua stack when Redis converts it
            LuaReplies.write(out, result, resp, errors, 2);
        } catch (LuaError e) {
            int line = lastErrorLine > 0 ? lastErrorLine : hook.currentLine();
            replyError(errors, positionedMessage(e, line), line);
        } catch (ScriptInterrupt e) {
            errors.error(e.reply + suffix(Math.max(hook.currentLine(), 1)));
        } catch (StackOverflowError e) {
            int line = Math.max(hook.currentLine(), 1);
            errors.error("ERR " + chunk + ":" + line + ": stack overflow" + suffix(line));
        } catch (OutOfMemoryError e) {
            int line = Math.max(hook.currentLine(), 1);
            errors.error("ERR " + chunk + ":" + line + ": not enough memory" + suffix(line));
        } catch (RuntimeException | LinkageError | VirtualMachineError | AssertionError e) {
            // last resort: a bug outside any Lua call (converting the result, say) still gets one plain reply
            logInternalError(e);
            out.buffer().clear();
            errors.error("ERR " + INTERNAL_ERROR + suffix(Math.max(hook.currentLine(), 1)));
        } finally {
            if (effects != null) {
                engine.keyspace().propagator(target);
                run.effects = effects; // propagated by deliver(), from the executor thread
            }
            if (evalMode) {
                globals.hostSet("KEYS", LuaValue.NIL);
                globals.hostSet("ARGV", LuaValue.NIL);
            }
            hook.reset();
        }
    }

    /** Redis's " script: name, on @user_script:line." */
    private String suffix(int line) {
        return " script: " + runningName + ", on @" + chunk + ":" + line + ".";
    }

    /**
     * The error value with its position: a string raised by a Java function reached through a tail call, where luaj
     * adds none, gets the line where the script was.
     */
    private LuaValue positionedMessage(LuaError e, int line) {
        LuaValue error = e.getMessageObject();
        if (error != null && error.type() == LuaValue.TSTRING && !(e instanceof NoPositionError)
                && !POSITIONED.matcher(error.tojstring()).find() && line > 0) {
            error = LuaValue.valueOf(chunk + ":" + line + ": " + error.tojstring());
        }
        return error;
    }

    /** The reply for an error that escaped the script, with Redis's "script: name, on @chunk:line." suffix. */
    private void replyError(LuaReplies.ErrorSink c, LuaValue error, int line) {
        // sdscatfmt("-%s") of the message as a C string (to its first NUL), then the script's position
        byte[] message = errorMessage(error);
        byte[] suffix = (line > 0 ? suffix(line) : "").getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(message, message.length + suffix.length);
        System.arraycopy(suffix, 0, all, message.length, suffix.length);
        c.error(all);
    }

    /**
     * What the error handler makes of an error value (err_info.msg): an {err=...} table's text, any other value
     * as 'ERR ' .. tostring(value).
     */
    private static byte[] errorMessage(LuaValue error) {
        if (error != null && error.istable()) {
            LuaValue err = error.rawget(LuaReplies.ERR);
            return err.type() == LuaValue.TSTRING ? LuaReplies.cBytes(err)
                    : err.isstring() ? err.tojstring().getBytes(StandardCharsets.UTF_8)
                    : "ERR unknown error".getBytes(StandardCharsets.UTF_8);
        }
        if (error != null && error.type() == LuaValue.TSTRING) {
            byte[] text = LuaReplies.cBytes(error);
            byte[] message = new byte[4 + text.length];
            System.arraycopy("ERR ".getBytes(StandardCharsets.US_ASCII), 0, message, 0, 4);
            System.arraycopy(text, 0, message, 4, text.length);
            return message;
        }
        return ("ERR " + (error == null ? "nil" : error.tojstring())).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Runs a library's top-level code with the load-time globals (luaEngineCreate), and
     * returns null or the error's text (err_info.msg). Redis stops a load that runs past 500 ms.
     */
    byte[] runLibraryCode(LuaFunction code, long timeoutMillis) {
        byte[][] failure = new byte[1][];
        runner.runLoadCode(() -> {
            functionGlobals.loading(true);
            loading = true;
            loadStart = System.nanoTime();
            loadTimeoutNanos = timeoutMillis * 1_000_000;
            lastErrorLine = -1;
            hook.reset();
            try {
                code.call();
            } catch (LuaError e) {
                int line = lastErrorLine > 0 ? lastErrorLine : hook.currentLine();
                failure[0] = errorMessage(positionedMessage(e, line));
            } catch (ScriptInterrupt e) {
                failure[0] = e.reply.getBytes(StandardCharsets.UTF_8);
            } catch (StackOverflowError e) {
                failure[0] = ("ERR " + chunk + ":" + Math.max(hook.currentLine(), 1) + ": stack overflow")
                        .getBytes(StandardCharsets.UTF_8);
            } catch (OutOfMemoryError e) {
                failure[0] = ("ERR " + chunk + ":" + Math.max(hook.currentLine(), 1) + ": not enough memory")
                        .getBytes(StandardCharsets.UTF_8);
            } catch (RuntimeException | LinkageError | VirtualMachineError | AssertionError e) {
                logInternalError(e);
                failure[0] = ("ERR " + INTERNAL_ERROR).getBytes(StandardCharsets.UTF_8);
            } finally {
                loading = false;
                functionGlobals.loading(false);
                hook.reset();
            }
        });
        return failure[0];
    }

    /**
     * Refuses a single allocation bigger than a quarter of the heap ("not enough memory"), so one library call
     * cannot exhaust the JVM; gradual growth ends with an OutOfMemoryError caught where the script runs.
     */
    static void reserve(long bytes) {
        if (bytes > Runtime.getRuntime().maxMemory() / 4) {
            throw new LuaError("not enough memory");
        }
    }

    private void checkInterrupts() {
        if (loading) {
            if (loadTimeoutNanos > 0 && System.nanoTime() - loadStart > loadTimeoutNanos) {
                throw new ScriptInterrupt("ERR FUNCTION LOAD timeout");
            }
            if (engine.stopping()) {
                throw new ScriptInterrupt("ERR Script killed by user with SHUTDOWN NOSAVE");
            }
            return;
        }
        runner.checkInterrupts();
    }

    // ---- redis.call ----

    /** redis.call / redis.pcall: runs a command for the script and returns its reply as a Lua value. */
    LuaValue call(Varargs args, boolean raise) {
        int n = args.narg();
        if (n == 0) {
            return fail("Please specify at least one argument for this redis lib call", raise);
        }
        byte[][] argv = new byte[n][];
        for (int i = 1; i <= n; i++) {
            LuaValue a = args.arg(i);
            if (a.type() == LuaValue.TNUMBER) {
                argv[i - 1] = LuaReplies.numberArgument(a.todouble());
            } else if (a.type() == LuaValue.TSTRING) {
                LuaString s = a.checkstring();
                argv[i - 1] = RedisLibrary.bytesOf(s);
            } else {
                return fail("Lua redis lib command arguments must be strings or integers", raise);
            }
        }
        CommandSpec cmd = engine.commands().lookup(argv, n);
        if (cmd == null) {
            return fail("Unknown Redis command called from script", raise);
        }
        if (!cmd.arityAccepts(n)) {
            return fail("Wrong number of args calling Redis command from script", raise);
        }
        if (cmd.has(CommandFlags.NOSCRIPT)) {
            return fail("This Redis command is not allowed from script", raise);
        }
        // scriptVerifyWriteCommandAllow: may-replicate commands count as writes for a read-only script
        if (readOnly && (cmd.has(CommandFlags.WRITE) || cmd.has(CommandFlags.MAY_REPLICATE))) {
            return fail("Write commands are not allowed from read-only scripts.", raise);
        }
        if (cmd.has(CommandFlags.WRITE)) {
            // scriptVerifyWriteCommandAllow: a failed BGSAVE or AOF write refuses the script's writes too
            String denial = engine.rdb().writeDenial();
            if (denial != null) {
                LuaTable error = LuaReplies.errorTable(denial);
                if (raise) {
                    lastErrorLine = hook.currentLine();
                    throw new LuaError(error);
                }
                return error;
            }
            runner.wrote();
        }
        scratch.clear();
        scriptClient.argv = argv;
        scriptClient.argc = n;
        engine.dispatcher().callNested(scriptClient, cmd);
        LuaValue reply = LuaReplies.toLua(scratch);
        if (raise && reply.istable() && reply.rawget(LuaReplies.ERR).isstring()) {
            lastErrorLine = hook.currentLine();
            throw new LuaError(reply);
        }
        return reply;
    }

    private LuaValue fail(String message, boolean raise) {
        LuaTable error = LuaReplies.errorTable("ERR " + message);
        if (raise) {
            lastErrorLine = hook.currentLine();
            throw new LuaError(error);
        }
        return error;
    }

    void setResp(int version) {
        resp = version;
        scriptClient.reply.protocol(version);
    }

    Engine engine() {
        return engine;
    }

    void close() {
        scratch.release();
    }

    // ---- Lua 5.1 surface over luaj ----

    /** unpack / table.unpack with C Lua's limit on results. */
    private static final class Unpack extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaTable t = args.checktable(1);
            int i = args.optint(2, 1);
            int j = args.isnoneornil(3) ? t.length() : args.checkint(3);
            if (i > j) {
                return LuaValue.NONE;
            }
            long n = (long) j - i + 1;
            if (n + args.narg() > MAX_C_STACK || n <= 0) {
                throw new LuaError("too many results to unpack");
            }
            LuaValue[] values = new LuaValue[(int) n];
            for (int k = 0; k < n; k++) {
                values[k] = t.get(i + k);
            }
            return LuaValue.varargsOf(values);
        }
    }

    /** table.concat that refuses a result too big for the heap before building it. */
    private static final class TableConcat extends VarArgFunction {
        private final LuaValue original;

        TableConcat(LuaValue original) {
            this.original = original;
        }

        /**
         * ltablib.c tconcat: numbers as C Lua prints them (%.14g), anything else but a string fails with
         * "invalid value (type) at index i in table for 'concat'"; the size is checked before building.
         */
        @Override
        public Varargs invoke(Varargs args) {
            LuaTable t = args.checktable(1);
            LuaValue sepArg = args.arg(2);
            byte[] separator;
            if (sepArg.isnil()) {
                separator = new byte[0];
            } else if (sepArg.type() == LuaValue.TNUMBER) {
                separator = formatNumber(sepArg.todouble()).getBytes(StandardCharsets.US_ASCII);
            } else if (sepArg.type() == LuaValue.TSTRING) {
                separator = RedisLibrary.bytesOf(sepArg.checkstring());
            } else {
                throw new LuaError("bad argument #2 to 'concat' (string expected, got " + sepArg.typename() + ")");
            }
            int i = optInt(args, 3, 1);
            int last = args.isnoneornil(4) ? t.length() : optInt(args, 4, 0);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (long k = i; k <= last; k++) {
                LuaValue v = t.get((int) k);
                byte[] piece;
                if (v.type() == LuaValue.TSTRING) {
                    piece = RedisLibrary.bytesOf(v.checkstring());
                } else if (v.type() == LuaValue.TNUMBER) {
                    piece = formatNumber(v.todouble()).getBytes(StandardCharsets.US_ASCII);
                } else {
                    throw new LuaError("invalid value (" + v.typename() + ") at index " + k + " in table for 'concat'");
                }
                if ((long) out.size() + piece.length + separator.length > Integer.MAX_VALUE - 16) {
                    throw new LuaError("not enough memory");
                }
                reserve((long) out.size() + piece.length + separator.length);
                out.write(piece, 0, piece.length);
                if (k < last) {
                    out.write(separator, 0, separator.length);
                }
            }
            return LuaString.valueUsing(out.toByteArray());
        }

        /** luaL_optint with the C message ("number expected, got string" for what is no number). */
        private static int optInt(Varargs args, int n, int def) {
            LuaValue v = args.arg(n);
            if (v.isnil()) {
                return def;
            }
            Double d = v.type() == LuaValue.TNUMBER ? Double.valueOf(v.todouble())
                    : v.type() == LuaValue.TSTRING ? LuaToNumber.str2d(RedisLibrary.bytesOf(v.checkstring())) : null;
            if (d == null) {
                throw new LuaError("bad argument #" + n + " to 'concat' (number expected, got " + v.typename() + ")");
            }
            return (int) LuaReplies.toLongLikeC(d);
        }
    }

    /** tostring with C Lua's number format (%.14g); luaj's own prints 10/3 as 3.3333333. */
    private static final class ToString extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue v) {
            if (v.type() == LuaValue.TNUMBER) {
                return LuaValue.valueOf(formatNumber(v.todouble()));
            }
            LuaValue meta = v.metatag(LuaValue.TOSTRING);
            if (!meta.isnil()) {
                return meta.call(v);
            }
            LuaValue s = v.tostring();
            return s.isnil() ? LuaValue.valueOf(v.tojstring()) : s;
        }
    }

    static String formatNumber(double d) {
        if (Double.isNaN(d) && Double.doubleToRawLongBits(d) < 0) {
            return "-nan"; // printf shows the sign of a NaN (tonumber('-nan'), and 0/0 on x86)
        }
        return DoubleFormat.formatG(d, 14);
    }

    /** error(msg [, level]): positions only string messages at level 1 or more, as C Lua does. */
    private static final class ErrorFunction extends TwoArgFunction {
        @Override
        public LuaValue call(LuaValue message, LuaValue level) {
            int lvl = level.optint(1);
            if (lvl == 1 && message.type() == LuaValue.TSTRING) {
                throw new LuaError(message); // the string itself, positioned where raised: its bytes kept
            }
            if (lvl > 0 && (message.type() == LuaValue.TSTRING || message.type() == LuaValue.TNUMBER)) {
                String text = message.type() == LuaValue.TNUMBER ? formatNumber(message.todouble()) : message.tojstring();
                throw new LuaError(text, lvl);
            }
            if (message.type() == LuaValue.TSTRING || message.type() == LuaValue.TNUMBER) {
                throw new NoPositionError(message.tojstring());
            }
            throw new LuaError(message);
        }
    }

    /**
     * rawset and setmetatable refuse protected tables (sealed libraries, the locked globals) without a position,
     * as Redis's check inside the C function does.
     */
    private static final class ProtectedTableGuard extends VarArgFunction {
        private final LuaValue original;

        ProtectedTableGuard(LuaValue original) {
            this.original = original;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue t = args.arg1();
            if ((t instanceof ReadOnlyTable r && r.sealed()) || (t instanceof SandboxGlobals g && g.locked())) {
                throw new NoPositionError(ReadOnlyTable.MESSAGE);
            }
            return original.invoke(args);
        }
    }

    /**
     * An error C Lua raises without a position: from the VM while a C function runs (rawset on a readonly table),
     * or error() at level 0.
     */
    static final class NoPositionError extends CLuaClosure.PositionedError {
        NoPositionError(String message) {
            super(LuaValue.valueOf(message));
        }
    }

    /**
     * Redis's pcall: like Lua's, except that an error table ({err=...}, as redis.call raises) reaches the script
     * as its message string.
     */
    private static final class RedisPcall extends VarArgFunction {
        private final LuaValue original;

        RedisPcall(LuaValue original) {
            this.original = original;
        }

        @Override
        public Varargs invoke(Varargs args) {
            Varargs result = original.invoke(args);
            if (!result.arg1().toboolean() && result.arg(2).istable()) {
                LuaValue err = result.arg(2).rawget(LuaReplies.ERR);
                if (err.isstring()) {
                    return LuaValue.varargsOf(LuaValue.FALSE, err);
                }
            }
            if (!result.arg1().toboolean() && result.arg(2).type() == LuaValue.TSTRING && args.arg1().isfunction()
                    && !(args.arg1() instanceof org.luaj.vm2.LuaClosure)) {
                // a library function failing right under pcall: C Lua cannot name it and says '?'
                String text = LuaTypeErrors.argumentErrorOfDirectCall(result.arg(2).tojstring(), args.subargs(2));
                if (text != null) {
                    return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf(text));
                }
            }
            return result;
        }
    }

    /** loadstring(s [, chunkname]): text only, never bytecode; returns nil and the message on errors. */
    private final class LoadString extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            String name = args.optjstring(2, s.tojstring());
            LuaString source = args.isnoneornil(2) ? s : args.checkstring(2);
            return loadText(RedisLibrary.bytesOf(s), chunkName(name), source);
        }
    }

    /**
     * Compiles a chunk for loadstring/load: the function, or nil and the message. Binary chunks are refused as
     * Redis's Lua refuses them (its lexer sees ESC as an unexpected symbol).
     */
    private void rememberSource(org.luaj.vm2.Prototype p, LuaString source) {
        loadedSources.put(p, source);
        if (p.p != null) {
            for (org.luaj.vm2.Prototype child : p.p) {
                rememberSource(child, source);
            }
        }
    }

    private Varargs loadText(byte[] body, String chunkName) {
        return loadText(body, chunkName, null);
    }

    private Varargs loadText(byte[] body, String chunkName, LuaString sourceName) {
        if (body.length > 0 && body[0] == 27) {
            return LuaValue.varargsOf(LuaValue.NIL,
                    LuaValue.valueOf(chunkName.substring(1) + ":1: unexpected symbol near 'char(27)'"));
        }
        String syntax = Lua51Syntax.check(body, 0, chunkid(chunkName), 1);
        if (syntax != null) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaString.valueUsing(syntax.getBytes(StandardCharsets.ISO_8859_1)));
        }
        try {
            Varargs loaded = globals.load(new ByteArrayInputStream(Lua51Syntax.forLuaj(body, 0)), chunkName, "t",
                    chunkEnv());
            if (loaded.arg1() instanceof org.luaj.vm2.LuaClosure closure && sourceName != null) {
                rememberSource(closure.p, sourceName);
            }
            return loaded;
        } catch (LuaError e) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(luaSyntaxMessage(cLuaPosition(e.getMessage()))));
        }
    }

    /** luaO_chunkid: what error messages call a chunk ("@file" is "file", "=name" is "name"). */
    private static String chunkid(String chunkName) {
        return chunkName.startsWith("@") || chunkName.startsWith("=") ? chunkName.substring(1) : chunkName;
    }

    private static String chunkName(String name) {
        return name.startsWith("@") || name.startsWith("=") ? name : "=[string \"" + firstLine(name) + "\"]";
    }

    /** luaO_chunkid for string sources: up to the first line break, at most 43 characters, "..." if cut. */
    private static String firstLine(String s) {
        int nul = s.indexOf('\0');
        if (nul >= 0) {
            s = s.substring(0, nul); // the name is read as a C string
        }
        int len = 0;
        while (len < s.length() && s.charAt(len) != '\n' && s.charAt(len) != '\r') {
            len++;
        }
        len = Math.min(len, 43);
        return len < s.length() ? s.substring(0, len) + "..." : s;
    }

    /** Lua 5.1's load(func [, chunkname]): the chunk comes from a function returning pieces; text only. */
    private final class Load51 extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.arg1();
            if (!f.isfunction()) {
                throw new LuaError("bad argument #1 to 'load' (function expected, got " + f.typename() + ")");
            }
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            while (true) {
                LuaValue piece = f.call();
                if (piece.isnil() || (piece.isstring() && piece.checkstring().m_length == 0)) {
                    break;
                }
                if (!piece.isstring()) {
                    return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("reader function must return a string"));
                }
                LuaString s = piece.checkstring();
                bytes.write(s.m_bytes, s.m_offset, s.m_length);
            }
            LuaString source = args.isnoneornil(2) ? LuaString.valueOf("=(load)") : args.checkstring(2);
            return loadText(bytes.toByteArray(), chunkName(args.optjstring(2, "=(load)")), source);
        }
    }

    /** collectgarbage without the power to stall the server: "count" reports, the rest do nothing harmful. */
    private static final class CollectGarbage extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            String option = args.optjstring(1, "collect");
            switch (option) {
                case "count":
                    return LuaValue.valueOf(Engine.usedMemory() / 1024.0);
                case "collect", "step", "stop", "restart", "setpause", "setstepmul":
                    return LuaValue.valueOf(0);
                default:
                    throw new LuaError("bad argument #1 to 'collectgarbage' (invalid option '" + option + "')");
            }
        }
    }

    /**
     * string.sub as lstrlib.c: the indexes are lua_Integer (a double cast as x86-64 does, so 1e23 and inf are
     * LLONG_MIN) made relative to the length; luaj's saturating int casts cut differently.
     */
    private static final class StringSub extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            byte[] s = stringArgument(args, 1, "sub");
            long l = s.length;
            long start = relative(integerArgument(args, 2, "sub", null), l);
            long end = relative(integerArgument(args, 3, "sub", -1L), l);
            if (start < 1) {
                start = 1;
            }
            if (end > l) {
                end = l;
            }
            if (start > end) {
                return LuaValue.EMPTYSTRING;
            }
            return LuaString.valueUsing(java.util.Arrays.copyOfRange(s, (int) start - 1, (int) end));
        }

        static long relative(long pos, long len) {
            if (pos < 0) {
                pos += len + 1;
            }
            return pos >= 0 ? pos : 0;
        }
    }

    /** luaL_checklstring: a string's bytes, or a number as C Lua prints it. */
    static byte[] stringArgument(Varargs args, int n, String function) {
        LuaValue v = args.arg(n);
        if (v.type() == LuaValue.TSTRING) {
            return RedisLibrary.bytesOf(v.checkstring());
        }
        if (v.type() == LuaValue.TNUMBER) {
            return formatNumber(v.todouble()).getBytes(StandardCharsets.US_ASCII);
        }
        throw new LuaError("bad argument #" + n + " to '" + function + "' (string expected, got "
                + (n > args.narg() ? "no value" : v.typename()) + ")");
    }

    /** luaL_checkinteger / luaL_optinteger ({@code def} non-null): a number cast to long as x86-64 C does. */
    static long integerArgument(Varargs args, int n, String function, Long def) {
        LuaValue v = args.arg(n);
        if (def != null && v.isnil()) {
            return def;
        }
        Double d = v.type() == LuaValue.TNUMBER ? Double.valueOf(v.todouble())
                : v.type() == LuaValue.TSTRING ? LuaToNumber.str2d(RedisLibrary.bytesOf(v.checkstring())) : null;
        if (d == null) {
            throw new LuaError("bad argument #" + n + " to '" + function + "' (number expected, got "
                    + (n > args.narg() ? "no value" : v.typename()) + ")");
        }
        return LuaReplies.toLongLikeC(d);
    }

    /**
     * string.upper / string.lower byte by byte with C's toupper/tolower in the C locale (ASCII letters only). luaj's
     * own go through a Java String and corrupt bytes that are not UTF-8.
     */
    private static final class AsciiCase extends VarArgFunction {
        private final String name;
        private final boolean upper;

        AsciiCase(String name, boolean upper) {
            this.name = name;
            this.upper = upper;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue v = args.arg1();
            byte[] b;
            if (v.type() == LuaValue.TSTRING) {
                b = RedisLibrary.bytesOf(v.checkstring());
            } else if (v.type() == LuaValue.TNUMBER) {
                b = formatNumber(v.todouble()).getBytes(StandardCharsets.US_ASCII);
            } else {
                throw new LuaError("bad argument #1 to '" + name + "' (string expected, got "
                        + (args.narg() == 0 ? "no value" : v.typename()) + ")");
            }
            for (int i = 0; i < b.length; i++) {
                if (upper && b[i] >= 'a' && b[i] <= 'z') {
                    b[i] -= 32;
                } else if (!upper && b[i] >= 'A' && b[i] <= 'Z') {
                    b[i] += 32;
                }
            }
            return LuaString.valueUsing(b);
        }
    }

    /** string.rep with a ceiling, so a script cannot exhaust the heap in one call. */
    private static final class StringRep extends VarArgFunction {
        private static final long LIMIT = 512L * 1024 * 1024;

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            int n = args.checkint(2);
            if (n <= 0 || s.m_length == 0) {
                return LuaValue.EMPTYSTRING;
            }
            if ((long) s.m_length * n > LIMIT) {
                throw new LuaError("not enough memory");
            }
            reserve((long) s.m_length * n);
            byte[] out = new byte[s.m_length * n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(s.m_bytes, s.m_offset, out, i * s.m_length, s.m_length);
            }
            return LuaString.valueUsing(out);
        }
    }
}
