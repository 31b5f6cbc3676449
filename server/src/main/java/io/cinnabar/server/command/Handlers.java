package io.cinnabar.server.command;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which code runs each command: the one place that maps Redis's command names (full names for subcommands) to
 * handlers. Everything else about a command is in the recorded table (commands.resp).
 */
final class Handlers {
    private Handlers() {
    }

    static Map<String, CommandHandler> all() {
        Map<String, CommandHandler> h = new LinkedHashMap<>();
        // connection
        h.put("ping", ConnectionCommands::ping);
        h.put("echo", ConnectionCommands::echo);
        h.put("quit", ConnectionCommands::quit);
        h.put("reset", ConnectionCommands::reset);
        h.put("select", ConnectionCommands::select);
        h.put("swapdb", ConnectionCommands::swapdb);
        h.put("hello", ConnectionCommands::hello);
        h.put("auth", ConnectionCommands::auth);
        h.put("client|id", ClientCommands::id);
        h.put("client|setname", ClientCommands::setname);
        h.put("client|getname", ClientCommands::getname);
        h.put("client|setinfo", ClientCommands::setinfo);
        h.put("client|list", ClientCommands::list);
        h.put("client|info", ClientCommands::info);
        h.put("client|kill", ClientCommands::kill);
        h.put("client|reply", ClientCommands::reply);
        h.put("client|no-evict", ClientCommands::noEvict);
        h.put("client|pause", ClientCommands::pause);
        h.put("client|unpause", ClientCommands::unpause);
        h.put("client|help", ClientCommands::help);
        // server
        h.put("info", InfoCommand::info);
        h.put("config|get", ConfigCommands::get);
        h.put("config|set", ConfigCommands::set);
        h.put("config|resetstat", ConfigCommands::resetstat);
        h.put("config|rewrite", ConfigCommands::rewrite);
        h.put("config|help", ConfigCommands::help);
        h.put("dbsize", ServerCommands::dbsize);
        h.put("flushdb", ServerCommands::flushdb);
        h.put("flushall", ServerCommands::flushall);
        h.put("time", ServerCommands::time);
        h.put("lastsave", ServerCommands::lastsave);
        h.put("shutdown", ServerCommands::shutdown);
        h.put("monitor", ServerCommands::monitor);
        h.put("slowlog|get", ServerCommands::slowlogGet);
        h.put("slowlog|len", ServerCommands::slowlogLen);
        h.put("slowlog|reset", ServerCommands::slowlogReset);
        h.put("slowlog|help", ServerCommands::slowlogHelp);
        h.put("memory|usage", ServerCommands::memoryUsage);
        h.put("memory|help", ServerCommands::memoryHelp);
        h.put("latency|latest", ServerCommands::latencyLatest);
        h.put("latency|history", ServerCommands::latencyHistory);
        h.put("latency|reset", ServerCommands::latencyReset);
        h.put("latency|help", ServerCommands::latencyHelp);
        h.put("debug", DebugCommands::debug);
        h.put("command", CommandCommands::command);
        h.put("command|count", CommandCommands::count);
        h.put("command|info", CommandCommands::info);
        h.put("command|docs", CommandCommands::docs);
        h.put("command|list", CommandCommands::list);
        h.put("command|getkeys", CommandCommands::getkeys);
        h.put("command|help", CommandCommands::help);
        // keys
        h.put("del", KeyCommands::del);
        h.put("unlink", KeyCommands::unlink);
        h.put("exists", KeyCommands::exists);
        h.put("type", KeyCommands::type);
        h.put("touch", KeyCommands::touch);
        h.put("rename", KeyCommands::rename);
        h.put("renamenx", KeyCommands::renamenx);
        h.put("copy", KeyCommands::copy);
        h.put("move", KeyCommands::move);
        h.put("keys", KeyCommands::keys);
        h.put("scan", KeyCommands::scan);
        h.put("randomkey", KeyCommands::randomkey);
        h.put("expire", KeyCommands::expire);
        h.put("pexpire", KeyCommands::pexpire);
        h.put("expireat", KeyCommands::expireat);
        h.put("pexpireat", KeyCommands::pexpireat);
        h.put("ttl", KeyCommands::ttl);
        h.put("pttl", KeyCommands::pttl);
        h.put("expiretime", KeyCommands::expiretime);
        h.put("pexpiretime", KeyCommands::pexpiretime);
        h.put("persist", KeyCommands::persist);
        h.put("object|encoding", KeyCommands::objectEncoding);
        h.put("object|refcount", KeyCommands::objectRefcount);
        h.put("object|idletime", KeyCommands::objectIdletime);
        h.put("object|freq", KeyCommands::objectFreq);
        h.put("object|help", KeyCommands::objectHelp);
        // scripting
        h.put("eval", ScriptCommands::eval);
        h.put("evalsha", ScriptCommands::evalsha);
        h.put("eval_ro", ScriptCommands::evalRo);
        h.put("evalsha_ro", ScriptCommands::evalshaRo);
        h.put("script|load", ScriptCommands::load);
        h.put("script|exists", ScriptCommands::exists);
        h.put("script|flush", ScriptCommands::flush);
        h.put("script|kill", ScriptCommands::kill);
        h.put("script|help", ScriptCommands::help);
        // strings
        h.put("get", StringCommands::get);
        h.put("set", StringCommands::set);
        h.put("setnx", StringCommands::setnx);
        h.put("setex", StringCommands::setex);
        h.put("psetex", StringCommands::psetex);
        h.put("getset", StringCommands::getset);
        h.put("getdel", StringCommands::getdel);
        h.put("getex", StringCommands::getex);
        h.put("mget", StringCommands::mget);
        h.put("mset", StringCommands::mset);
        h.put("msetnx", StringCommands::msetnx);
        h.put("append", StringCommands::append);
        h.put("strlen", StringCommands::strlen);
        h.put("incr", StringCommands::incr);
        h.put("decr", StringCommands::decr);
        h.put("incrby", StringCommands::incrby);
        h.put("decrby", StringCommands::decrby);
        h.put("incrbyfloat", StringCommands::incrbyfloat);
        h.put("getrange", StringCommands::getrange);
        h.put("substr", StringCommands::getrange);
        h.put("setrange", StringCommands::setrange);
        h.put("lcs", StringCommands::lcs);
        return h;
    }
}
