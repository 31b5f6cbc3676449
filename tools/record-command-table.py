#!/usr/bin/env python3
"""Records Redis 7.0's COMMAND INFO and COMMAND DOCS entries (RESP3, raw bytes) for the commands Cinnabar
implements, into server/src/main/resources/io/cinnabar/server/command/commands.resp.

The server reads that file as its command table: arity, flags, key positions, ACL categories and docs come from
real Redis, and the Java side attaches a handler to each name (a test fails if either side lacks the other).
Subcommands without a handler are dropped at load time. CLIENT SETINFO is not in 7.0; it is spliced in with
Redis 7.2's metadata, since every modern client sends it.

Usage: tools/record-command-table.py [port]   (a Redis 7.0 server on 127.0.0.1:port, default 6379)
Add a command: append its name to COMMANDS, run this against redis-server 7.0, commit the resource.
"""
import os
import socket
import sys

COMMANDS = """
ping echo quit reset select swapdb hello auth client
info config dbsize flushdb flushall time lastsave save bgsave bgrewriteaof shutdown slowlog monitor memory latency debug command
del unlink exists type touch rename renamenx copy move keys scan randomkey expire pexpire expireat pexpireat
ttl pttl expiretime pexpiretime persist object dump restore
get set setnx setex psetex getset getdel getex mget mset msetnx append strlen incr decr incrby decrby
incrbyfloat getrange substr setrange lcs
eval evalsha eval_ro evalsha_ro script
hset hsetnx hmset hget hmget hdel hlen hstrlen hexists hkeys hvals hgetall hincrby hincrbyfloat hrandfield hscan
sadd srem smove sismember smismember scard spop srandmember smembers sinter sintercard sinterstore sunion sunionstore sdiff sdiffstore sscan
lpush rpush lpushx rpushx lpop rpop llen lindex lrange lpos lset linsert lrem ltrim lmove rpoplpush
blpop brpop brpoplpush blmove lmpop blmpop
zadd zincrby zrem zcard zscore zmscore zrank zrevrank zcount zlexcount zrange zrangestore zrevrange zrangebyscore
zrevrangebyscore zrangebylex zrevrangebylex zremrangebyrank zremrangebyscore zremrangebylex zpopmin zpopmax zmpop
zrandmember zscan zunion zinter zdiff zunionstore zinterstore zdiffstore zintercard
bzpopmin bzpopmax bzmpop
multi exec discard watch unwatch
subscribe unsubscribe psubscribe punsubscribe ssubscribe sunsubscribe publish spublish pubsub
sort sort_ro
function fcall fcall_ro
xadd xrange xrevrange xlen xread xreadgroup xdel xtrim xsetid xgroup xack xpending xclaim xautoclaim xinfo
""".split()


def encode(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class Reader:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        i = self.buf.index(b"\r\n")
        line, self.buf = self.buf[:i], self.buf[i + 2:]
        return line

    def exact(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def value(self):
        """Returns the raw bytes of one RESP3 value."""
        line = self.line()
        t, rest = line[:1], line[1:]
        raw = line + b"\r\n"
        if t in b"$=!":
            n = int(rest)
            if n >= 0:
                raw += self.exact(n + 2)
        elif t in b"*~>":
            for _ in range(max(int(rest), 0)):
                raw += self.value()
        elif t == b"%":
            for _ in range(int(rest) * 2):
                raw += self.value()
        return raw


def bulk(s):
    s = s.encode()
    return b"$%d\r\n%s\r\n" % (len(s), s)


def simple_set(items):
    return b"~%d\r\n" % len(items) + b"".join(b"+" + i.encode() + b"\r\n" for i in items)


# CLIENT SETINFO as Redis 7.2 describes it (src/commands/client-setinfo.json).
SETINFO_INFO = (b"*10\r\n" + bulk("client|setinfo") + b":4\r\n" + simple_set(["noscript", "loading", "stale"])
                + b":0\r\n:0\r\n:0\r\n" + simple_set(["@slow", "@connection"])
                + b"~2\r\n" + bulk("request_policy:all_nodes") + bulk("response_policy:all_succeeded")
                 + b"~0\r\n~0\r\n")
SETINFO_DOCS = (bulk("client|setinfo") + b"%5\r\n" + bulk("summary") + bulk("Set client or connection specific info")
                + bulk("since") + bulk("7.2.0") + bulk("group") + bulk("connection")
                + bulk("complexity") + bulk("O(1)") + bulk("arguments") + b"*1\r\n%3\r\n"
                + bulk("name") + bulk("attr") + bulk("type") + bulk("oneof") + bulk("arguments") + b"*2\r\n"
                + b"%3\r\n" + bulk("name") + bulk("libname") + bulk("type") + bulk("string")
                + bulk("token") + bulk("LIB-NAME")
                + b"%3\r\n" + bulk("name") + bulk("libver") + bulk("type") + bulk("string")
                + bulk("token") + bulk("LIB-VER"))


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 6379
    sock = socket.create_connection(("127.0.0.1", port))
    reader = Reader(sock)
    sock.sendall(encode("HELLO", "3"))
    reader.value()
    sock.sendall(encode("INFO", "server"))
    info = reader.value()
    if b"redis_version:7.0." not in info:
        sys.exit("record against Redis 7.0, this is: " + info.decode(errors="replace")[:200])
    out = []
    for name in COMMANDS:
        sock.sendall(encode("COMMAND", "INFO", name))
        info = reader.value()
        assert info.startswith(b"*1\r\n*10\r\n"), name
        info = info[len(b"*1\r\n"):]
        sock.sendall(encode("COMMAND", "DOCS", name))
        docs = reader.value()
        assert docs.startswith(b"%1\r\n"), name
        docs = docs[len(b"%1\r\n"):]
        if name == "client":
            info, docs = splice_setinfo(info, docs)
        out.append(info + docs)
    path = os.path.join(os.path.dirname(__file__), "..", "server", "src", "main", "resources",
                        "io", "cinnabar", "server", "command", "commands.resp")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"".join(out))
    print("recorded %d commands into %s" % (len(COMMANDS), os.path.normpath(path)))


def splice_setinfo(info, docs):
    # info: *10 ... last element is "*N" subcommands array; append one entry and bump N
    marker_pos = info.rindex(b"\r\n*16\r\n") + 2
    info = info[:marker_pos] + b"*17\r\n" + info[marker_pos + len(b"*16\r\n"):] + SETINFO_INFO
    # docs: bulk name, then a map whose last pair is subcommands -> %N map; append one pair
    sub_pos = docs.index(bulk("subcommands")) + len(bulk("subcommands"))
    count_end = docs.index(b"\r\n", sub_pos)
    count = int(docs[sub_pos + 1:count_end])
    docs = docs[:sub_pos] + b"%%%d" % (count + 1) + docs[count_end:] + SETINFO_DOCS
    return info, docs


if __name__ == "__main__":
    main()
