package io.cinnabar.server.command;

/**
 * Which code runs each command: the one place that maps Redis's command names (full names for subcommands) to
 * handlers. Everything else about a command is in the recorded table (commands.resp). A switch rather than a map
 * filled at startup: each method reference is linked the first time its command runs, so a fresh server does not
 * pay for linking every handler (a third of a millisecond each in a cold JVM). CommandTableTest checks this list
 * against the recorded table both ways.
 */
final class Handlers {
    private Handlers() {
    }

    /** The handler of {@code fullName} ({@code get}, {@code client|id}), or null if Cinnabar does not have it. */
    static CommandHandler of(String fullName) {
        return switch (fullName) {
            // connection
            case "ping" -> ConnectionCommands::ping;
            case "echo" -> ConnectionCommands::echo;
            case "quit" -> ConnectionCommands::quit;
            case "reset" -> ConnectionCommands::reset;
            case "select" -> ConnectionCommands::select;
            case "swapdb" -> ConnectionCommands::swapdb;
            case "hello" -> ConnectionCommands::hello;
            case "auth" -> ConnectionCommands::auth;
            case "client|id" -> ClientCommands::id;
            case "client|setname" -> ClientCommands::setname;
            case "client|getname" -> ClientCommands::getname;
            case "client|setinfo" -> ClientCommands::setinfo;
            case "client|list" -> ClientCommands::list;
            case "client|info" -> ClientCommands::info;
            case "client|kill" -> ClientCommands::kill;
            case "client|reply" -> ClientCommands::reply;
            case "client|no-evict" -> ClientCommands::noEvict;
            case "client|pause" -> ClientCommands::pause;
            case "client|unpause" -> ClientCommands::unpause;
            case "client|unblock" -> ClientCommands::unblock;
            case "client|help" -> ClientCommands::help;
            case "client|tracking" -> ClientCommands::tracking;
            case "client|caching" -> ClientCommands::caching;
            case "client|getredir" -> ClientCommands::getredir;
            case "client|trackinginfo" -> ClientCommands::trackinginfo;
            // pub/sub
            case "subscribe" -> PubSubCommands::subscribe;
            case "unsubscribe" -> PubSubCommands::unsubscribe;
            case "psubscribe" -> PubSubCommands::psubscribe;
            case "punsubscribe" -> PubSubCommands::punsubscribe;
            case "ssubscribe" -> PubSubCommands::ssubscribe;
            case "sunsubscribe" -> PubSubCommands::sunsubscribe;
            case "publish" -> PubSubCommands::publish;
            case "spublish" -> PubSubCommands::spublish;
            case "pubsub|channels" -> PubSubCommands::channels;
            case "pubsub|numsub" -> PubSubCommands::numsub;
            case "pubsub|numpat" -> PubSubCommands::numpat;
            case "pubsub|shardchannels" -> PubSubCommands::shardchannels;
            case "pubsub|shardnumsub" -> PubSubCommands::shardnumsub;
            case "pubsub|help" -> PubSubCommands::help;
            // transactions
            case "multi" -> TransactionCommands::multi;
            case "exec" -> TransactionCommands::exec;
            case "discard" -> TransactionCommands::discard;
            case "watch" -> TransactionCommands::watch;
            case "unwatch" -> TransactionCommands::unwatch;
            // server
            case "info" -> InfoCommand::info;
            case "config|get" -> ConfigCommands::get;
            case "config|set" -> ConfigCommands::set;
            case "config|resetstat" -> ConfigCommands::resetstat;
            case "config|rewrite" -> ConfigCommands::rewrite;
            case "config|help" -> ConfigCommands::help;
            case "dbsize" -> ServerCommands::dbsize;
            case "flushdb" -> ServerCommands::flushdb;
            case "flushall" -> ServerCommands::flushall;
            case "time" -> ServerCommands::time;
            case "lastsave" -> ServerCommands::lastsave;
            case "save" -> ServerCommands::save;
            case "bgsave" -> ServerCommands::bgsave;
            case "bgrewriteaof" -> ServerCommands::bgrewriteaof;
            case "shutdown" -> ServerCommands::shutdown;
            case "monitor" -> ServerCommands::monitor;
            case "slowlog|get" -> ServerCommands::slowlogGet;
            case "slowlog|len" -> ServerCommands::slowlogLen;
            case "slowlog|reset" -> ServerCommands::slowlogReset;
            case "slowlog|help" -> ServerCommands::slowlogHelp;
            case "memory|usage" -> ServerCommands::memoryUsage;
            case "memory|help" -> ServerCommands::memoryHelp;
            case "latency|latest" -> ServerCommands::latencyLatest;
            case "latency|history" -> ServerCommands::latencyHistory;
            case "latency|reset" -> ServerCommands::latencyReset;
            case "latency|help" -> ServerCommands::latencyHelp;
            case "debug" -> DebugCommands::debug;
            case "command" -> CommandCommands::command;
            case "command|count" -> CommandCommands::count;
            case "command|info" -> CommandCommands::info;
            case "command|docs" -> CommandCommands::docs;
            case "command|list" -> CommandCommands::list;
            case "command|getkeys" -> CommandCommands::getkeys;
            case "command|help" -> CommandCommands::help;
            // hashes
            case "hset", "hmset" -> HashCommands::hset;
            case "hsetnx" -> HashCommands::hsetnx;
            case "hget" -> HashCommands::hget;
            case "hmget" -> HashCommands::hmget;
            case "hdel" -> HashCommands::hdel;
            case "hlen" -> HashCommands::hlen;
            case "hstrlen" -> HashCommands::hstrlen;
            case "hexists" -> HashCommands::hexists;
            case "hkeys" -> HashCommands::hkeys;
            case "hvals" -> HashCommands::hvals;
            case "hgetall" -> HashCommands::hgetall;
            case "hincrby" -> HashCommands::hincrby;
            case "hincrbyfloat" -> HashCommands::hincrbyfloat;
            case "hrandfield" -> HashCommands::hrandfield;
            case "hscan" -> HashCommands::hscan;
            // sets
            case "sadd" -> SetCommands::sadd;
            case "srem" -> SetCommands::srem;
            case "smove" -> SetCommands::smove;
            case "sismember" -> SetCommands::sismember;
            case "smismember" -> SetCommands::smismember;
            case "scard" -> SetCommands::scard;
            case "spop" -> SetCommands::spop;
            case "srandmember" -> SetCommands::srandmember;
            case "smembers" -> SetCommands::smembers;
            case "sinter" -> SetCommands::sinter;
            case "sintercard" -> SetCommands::sintercard;
            case "sinterstore" -> SetCommands::sinterstore;
            case "sunion" -> SetCommands::sunion;
            case "sunionstore" -> SetCommands::sunionstore;
            case "sdiff" -> SetCommands::sdiff;
            case "sdiffstore" -> SetCommands::sdiffstore;
            case "sscan" -> SetCommands::sscan;
            // lists
            case "lpush" -> ListCommands::lpush;
            case "rpush" -> ListCommands::rpush;
            case "lpushx" -> ListCommands::lpushx;
            case "rpushx" -> ListCommands::rpushx;
            case "lpop" -> ListCommands::lpop;
            case "rpop" -> ListCommands::rpop;
            case "llen" -> ListCommands::llen;
            case "lindex" -> ListCommands::lindex;
            case "lrange" -> ListCommands::lrange;
            case "lpos" -> ListCommands::lpos;
            case "lset" -> ListCommands::lset;
            case "linsert" -> ListCommands::linsert;
            case "lrem" -> ListCommands::lrem;
            case "ltrim" -> ListCommands::ltrim;
            case "lmove" -> ListCommands::lmove;
            case "rpoplpush" -> ListCommands::rpoplpush;
            case "lmpop" -> ListCommands::lmpop;
            case "blpop" -> ListCommands::blpop;
            case "brpop" -> ListCommands::brpop;
            case "brpoplpush" -> ListCommands::brpoplpush;
            case "blmove" -> ListCommands::blmove;
            // SORT, over lists, sets and sorted sets
            case "sort" -> SortCommand::sort;
            case "sort_ro" -> SortCommand::sortRo;
            case "blmpop" -> ListCommands::blmpop;
            // sorted sets
            case "zadd" -> ZSetCommands::zadd;
            case "zincrby" -> ZSetCommands::zincrby;
            case "zrem" -> ZSetCommands::zrem;
            case "zcard" -> ZSetCommands::zcard;
            case "zscore" -> ZSetCommands::zscore;
            case "zmscore" -> ZSetCommands::zmscore;
            case "zrank" -> ZSetCommands::zrank;
            case "zrevrank" -> ZSetCommands::zrevrank;
            case "zcount" -> ZSetCommands::zcount;
            case "zlexcount" -> ZSetCommands::zlexcount;
            case "zrange" -> ZSetCommands::zrange;
            case "zrangestore" -> ZSetCommands::zrangestore;
            case "zrevrange" -> ZSetCommands::zrevrange;
            case "zrangebyscore" -> ZSetCommands::zrangebyscore;
            case "zrevrangebyscore" -> ZSetCommands::zrevrangebyscore;
            case "zrangebylex" -> ZSetCommands::zrangebylex;
            case "zrevrangebylex" -> ZSetCommands::zrevrangebylex;
            case "zremrangebyrank" -> ZSetCommands::zremrangebyrank;
            case "zremrangebyscore" -> ZSetCommands::zremrangebyscore;
            case "zremrangebylex" -> ZSetCommands::zremrangebylex;
            case "zpopmin" -> ZSetCommands::zpopmin;
            case "zpopmax" -> ZSetCommands::zpopmax;
            case "zmpop" -> ZSetCommands::zmpop;
            case "bzpopmin" -> ZSetCommands::bzpopmin;
            case "bzpopmax" -> ZSetCommands::bzpopmax;
            case "bzmpop" -> ZSetCommands::bzmpop;
            case "zrandmember" -> ZSetCommands::zrandmember;
            case "zscan" -> ZSetCommands::zscan;
            case "zunion" -> ZSetCommands::zunion;
            case "zinter" -> ZSetCommands::zinter;
            case "zdiff" -> ZSetCommands::zdiff;
            case "zunionstore" -> ZSetCommands::zunionstore;
            case "zinterstore" -> ZSetCommands::zinterstore;
            case "zdiffstore" -> ZSetCommands::zdiffstore;
            case "zintercard" -> ZSetCommands::zintercard;
            // streams
            case "xadd" -> StreamCommands::xadd;
            case "xrange" -> StreamCommands::xrange;
            case "xrevrange" -> StreamCommands::xrevrange;
            case "xlen" -> StreamCommands::xlen;
            case "xread" -> StreamCommands::xread;
            case "xreadgroup" -> StreamCommands::xreadgroup;
            case "xdel" -> StreamCommands::xdel;
            case "xtrim" -> StreamCommands::xtrim;
            case "xsetid" -> StreamCommands::xsetid;
            case "xack" -> StreamCommands::xack;
            case "xpending" -> StreamCommands::xpending;
            case "xclaim" -> StreamCommands::xclaim;
            case "xautoclaim" -> StreamCommands::xautoclaim;
            case "xgroup|create" -> StreamCommands::xgroupCreate;
            case "xgroup|setid" -> StreamCommands::xgroupSetid;
            case "xgroup|destroy" -> StreamCommands::xgroupDestroy;
            case "xgroup|createconsumer" -> StreamCommands::xgroupCreateconsumer;
            case "xgroup|delconsumer" -> StreamCommands::xgroupDelconsumer;
            case "xgroup|help" -> StreamCommands::xgroupHelp;
            case "xinfo|stream" -> StreamCommands::xinfoStream;
            case "xinfo|groups" -> StreamCommands::xinfoGroups;
            case "xinfo|consumers" -> StreamCommands::xinfoConsumers;
            case "xinfo|help" -> StreamCommands::xinfoHelp;
            // keys
            case "del" -> KeyCommands::del;
            case "unlink" -> KeyCommands::unlink;
            case "exists" -> KeyCommands::exists;
            case "type" -> KeyCommands::type;
            case "touch" -> KeyCommands::touch;
            case "rename" -> KeyCommands::rename;
            case "renamenx" -> KeyCommands::renamenx;
            case "copy" -> KeyCommands::copy;
            case "dump" -> DumpCommands::dump;
            case "restore" -> DumpCommands::restore;
            case "move" -> KeyCommands::move;
            case "keys" -> KeyCommands::keys;
            case "scan" -> KeyCommands::scan;
            case "randomkey" -> KeyCommands::randomkey;
            case "expire" -> KeyCommands::expire;
            case "pexpire" -> KeyCommands::pexpire;
            case "expireat" -> KeyCommands::expireat;
            case "pexpireat" -> KeyCommands::pexpireat;
            case "ttl" -> KeyCommands::ttl;
            case "pttl" -> KeyCommands::pttl;
            case "expiretime" -> KeyCommands::expiretime;
            case "pexpiretime" -> KeyCommands::pexpiretime;
            case "persist" -> KeyCommands::persist;
            case "object|encoding" -> KeyCommands::objectEncoding;
            case "object|refcount" -> KeyCommands::objectRefcount;
            case "object|idletime" -> KeyCommands::objectIdletime;
            case "object|freq" -> KeyCommands::objectFreq;
            case "object|help" -> KeyCommands::objectHelp;
            // scripting
            case "eval" -> ScriptCommands::eval;
            case "evalsha" -> ScriptCommands::evalsha;
            case "eval_ro" -> ScriptCommands::evalRo;
            case "evalsha_ro" -> ScriptCommands::evalshaRo;
            case "script|load" -> ScriptCommands::load;
            case "script|exists" -> ScriptCommands::exists;
            case "script|flush" -> ScriptCommands::flush;
            case "script|kill" -> ScriptCommands::kill;
            case "script|help" -> ScriptCommands::help;
            case "fcall" -> FunctionCommands::fcall;
            case "fcall_ro" -> FunctionCommands::fcallRo;
            case "function|load" -> FunctionCommands::load;
            case "function|delete" -> FunctionCommands::delete;
            case "function|flush" -> FunctionCommands::flush;
            case "function|list" -> FunctionCommands::list;
            case "function|stats" -> FunctionCommands::stats;
            case "function|kill" -> FunctionCommands::kill;
            case "function|dump" -> FunctionCommands::dump;
            case "function|restore" -> FunctionCommands::restore;
            case "function|help" -> FunctionCommands::help;
            // strings
            case "get" -> StringCommands::get;
            case "set" -> StringCommands::set;
            case "setnx" -> StringCommands::setnx;
            case "setex" -> StringCommands::setex;
            case "psetex" -> StringCommands::psetex;
            case "getset" -> StringCommands::getset;
            case "getdel" -> StringCommands::getdel;
            case "getex" -> StringCommands::getex;
            case "mget" -> StringCommands::mget;
            case "mset" -> StringCommands::mset;
            case "msetnx" -> StringCommands::msetnx;
            case "append" -> StringCommands::append;
            case "strlen" -> StringCommands::strlen;
            case "incr" -> StringCommands::incr;
            case "decr" -> StringCommands::decr;
            case "incrby" -> StringCommands::incrby;
            case "decrby" -> StringCommands::decrby;
            case "incrbyfloat" -> StringCommands::incrbyfloat;
            case "getrange" -> StringCommands::getrange;
            case "substr" -> StringCommands::getrange;
            case "setrange" -> StringCommands::setrange;
            case "lcs" -> StringCommands::lcs;
            default -> null;
        };
    }
}
