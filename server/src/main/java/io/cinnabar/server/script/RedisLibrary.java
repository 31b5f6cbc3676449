package io.cinnabar.server.script;

import io.cinnabar.server.exec.Log;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/** The {@code redis} table scripts see: its 23 fields, as Redis 7.0 defines them. */
final class RedisLibrary {
    private final LuaBridge scripts;

    RedisLibrary(LuaBridge scripts) {
        this.scripts = scripts;
    }

    private static LuaError raise(String message) {
        return new LuaError(LuaReplies.errorTable("ERR " + message));
    }

    LuaTable table() {
        LuaTable t = new LuaTable();
        t.rawset("call", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return scripts.call(args, true);
            }
        });
        t.rawset("pcall", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return scripts.call(args, false);
            }
        });
        t.rawset("error_reply", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
                    return LuaReplies.errorTable("ERR wrong number or type of arguments");
                }
                return LuaReplies.errorTable(LuaReplies.errorReplyText(LuaReplies.cBytes(args.arg1())));
            }
        });
        t.rawset("status_reply", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
                    return LuaReplies.errorTable("ERR wrong number or type of arguments");
                }
                LuaTable ok = new LuaTable();
                ok.rawset(LuaReplies.OK, args.arg1());
                return ok;
            }
        });
        t.rawset("sha1hex", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1) {
                    throw raise("wrong number of arguments");
                }
                LuaValue v = args.arg1();
                byte[] bytes = v.type() == LuaValue.TNUMBER
                        ? LuaBridge.formatNumber(v.todouble()).getBytes(StandardCharsets.US_ASCII)
                        : v.isstring() ? bytesOf(v.checkstring()) : new byte[0];
                return LuaValue.valueOf(EvalScripts.sha1hex(bytes));
            }
        });
        t.rawset("log", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                int n = args.narg();
                if (n < 2) {
                    throw raise("redis.log() requires two arguments or more.");
                }
                if (args.arg1().type() != LuaValue.TNUMBER) {
                    throw raise("First argument must be a number (log level).");
                }
                int level = args.arg1().toint();
                if (level < Log.DEBUG || level > Log.WARNING) {
                    throw raise("Invalid debug level.");
                }
                StringBuilder sb = new StringBuilder();
                for (int i = 2; i <= n; i++) {
                    LuaValue v = args.arg(i);
                    if (v.type() != LuaValue.TNUMBER && v.type() != LuaValue.TSTRING) {
                        continue; // lua_tolstring gives nothing for other values: Redis skips them
                    }
                    if (i > 2) {
                        sb.append(' ');
                    }
                    sb.append(v.type() == LuaValue.TNUMBER ? LuaBridge.formatNumber(v.todouble()) : v.tojstring());
                }
                scripts.engine().log().log(level, sb.toString());
                return LuaValue.NONE;
            }
        });
        t.rawset("setresp", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1) {
                    throw raise("redis.setresp() requires one argument.");
                }
                int version = args.arg1().toint();
                if (version != 2 && version != 3) {
                    throw raise("RESP version must be 2 or 3.");
                }
                scripts.setResp(version);
                return LuaValue.NONE;
            }
        });
        t.rawset("set_repl", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1) {
                    throw raise("redis.set_repl() requires two arguments.");
                }
                int flags = args.arg1().toint();
                if ((flags & ~3) != 0) {
                    throw raise("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
                }
                return LuaValue.NONE;
            }
        });
        t.rawset("replicate_commands", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaValue.TRUE;
            }
        });
        t.rawset("breakpoint", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaValue.FALSE; // only meaningful under the Lua debugger, which is not offered
            }
        });
        t.rawset("debug", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaValue.NONE; // logs only under the Lua debugger
            }
        });
        t.rawset("acl_check_cmd", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                int n = args.narg();
                if (n == 0) {
                    throw raise("Please specify at least one argument for this redis lib call");
                }
                byte[][] argv = new byte[n][];
                for (int i = 1; i <= n; i++) {
                    LuaValue a = args.arg(i);
                    if (!a.isstring()) {
                        throw raise("Lua redis lib command arguments must be strings or integers");
                    }
                    argv[i - 1] = bytesOf(a.checkstring());
                }
                if (scripts.engine().commands().lookup(argv, n) == null) {
                    throw raise("Invalid command passed to redis.acl_check_cmd()");
                }
                return LuaValue.TRUE; // the default user may run every command
            }
        });
        t.rawset("LOG_DEBUG", LuaValue.valueOf(Log.DEBUG));
        t.rawset("LOG_VERBOSE", LuaValue.valueOf(Log.VERBOSE));
        t.rawset("LOG_NOTICE", LuaValue.valueOf(Log.NOTICE));
        t.rawset("LOG_WARNING", LuaValue.valueOf(Log.WARNING));
        t.rawset("REPL_NONE", LuaValue.valueOf(0));
        t.rawset("REPL_AOF", LuaValue.valueOf(1));
        t.rawset("REPL_SLAVE", LuaValue.valueOf(2));
        t.rawset("REPL_REPLICA", LuaValue.valueOf(2));
        t.rawset("REPL_ALL", LuaValue.valueOf(3));
        t.rawset("REDIS_VERSION", LuaValue.valueOf("7.0.15"));
        t.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(0x0007000f));
        return t;
    }

    static byte[] bytesOf(LuaString s) {
        return java.util.Arrays.copyOfRange(s.m_bytes, s.m_offset, s.m_offset + s.m_length);
    }
}
