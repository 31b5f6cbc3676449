package io.cinnabar.server.script;

import java.util.ArrayList;
import java.util.List;

/**
 * Lua 5.1's lexer and parser without the code generator: finds the first syntax error of a chunk and words it as
 * C Lua 5.1 does, {@code near '...'} included, before luaj (a Lua 5.2 compiler, whose messages differ and which
 * accepts 5.2 syntax such as goto and labels) compiles what this accepts. It also enforces 5.1's limits that show
 * as compile errors: 200 local variables and 60 upvalues per function, 200 syntax levels.
 *
 * <p>Ported from Lua 5.1.5 (llex.c, lparser.c), Copyright (C) 1994-2012 Lua.org, PUC-Rio, MIT licence; see NOTICE.
 * As in Redis's build, nested {@code [[} inside a long string is not special (no LUA_COMPAT_LSTR). Not thread-safe:
 * one instance per check.
 */
final class Lua51Syntax {
    private static final int EOZ = -1;
    private static final int FIRST_RESERVED = 257;
    private static final String[] TOKENS = {"and", "break", "do", "else", "elseif", "end", "false", "for",
        "function", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
        "..", "...", "==", ">=", "<=", "~=", "<number>", "<name>", "<string>", "<eof>"};
    private static final int NUM_RESERVED = 21;
    private static final int TK_AND = 257;
    private static final int TK_BREAK = 258;
    private static final int TK_DO = 259;
    private static final int TK_ELSE = 260;
    private static final int TK_ELSEIF = 261;
    private static final int TK_END = 262;
    private static final int TK_FALSE = 263;
    private static final int TK_FOR = 264;
    private static final int TK_FUNCTION = 265;
    private static final int TK_IF = 266;
    private static final int TK_IN = 267;
    private static final int TK_LOCAL = 268;
    private static final int TK_NIL = 269;
    private static final int TK_NOT = 270;
    private static final int TK_OR = 271;
    private static final int TK_REPEAT = 272;
    private static final int TK_RETURN = 273;
    private static final int TK_THEN = 274;
    private static final int TK_TRUE = 275;
    private static final int TK_UNTIL = 276;
    private static final int TK_WHILE = 277;
    private static final int TK_CONCAT = 278;
    private static final int TK_DOTS = 279;
    private static final int TK_EQ = 280;
    private static final int TK_GE = 281;
    private static final int TK_LE = 282;
    private static final int TK_NE = 283;
    private static final int TK_NUMBER = 284;
    private static final int TK_NAME = 285;
    private static final int TK_STRING = 286;
    private static final int TK_EOS = 287;

    private static final int LUAI_MAXCCALLS = 200;
    private static final int LUAI_MAXVARS = 200;
    private static final int LUAI_MAXUPVALUES = 60;
    /** Binary operator priorities (left, right), in lparser.c's order: + - * / % ^ .. ~= == < <= > >= and or. */
    private static final int[][] PRIORITY = {{6, 6}, {6, 6}, {7, 7}, {7, 7}, {7, 7}, {10, 9}, {5, 4}, {3, 3}, {3, 3},
        {3, 3}, {3, 3}, {3, 3}, {3, 3}, {2, 2}, {1, 1}};
    private static final int UNARY_PRIORITY = 8;

    // expression kinds that matter to the grammar
    private static final int K_OTHER = 0;
    private static final int K_LOCAL = 1;
    private static final int K_UPVAL = 2;
    private static final int K_GLOBAL = 3;
    private static final int K_INDEXED = 4;
    private static final int K_CALL = 5;

    /** The first error, already worded. */
    private static final class SyntaxError extends RuntimeException {
        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    private final byte[] src;
    private final String chunkid;
    private int p;
    private int current;
    private int linenumber = 1;
    private int lastline = 1;
    private int token;
    private int lookahead = TK_EOS;
    /** The current token's and the look-ahead token's names (their SemInfo; the buffer moves on). */
    private String tokenText = "";
    private String lookaheadText = "";
    /** The lexer's buffer (luaZ_buffer): the text of the token read last, as bytes in a Latin-1 string. */
    private final StringBuilder buff = new StringBuilder();
    private int level;
    private FuncState fs;
    /** [[...]] strings and comments with "[[" inside: positions of their opening and closing brackets. */
    private final List<int[]> nestedBrackets = new ArrayList<>();

    private Lua51Syntax(byte[] src, int offset, String chunkid, int level) {
        this.src = src;
        this.p = offset;
        this.chunkid = chunkid;
        this.level = level;
        next();
    }

    /**
     * Returns C Lua's message for the first syntax error of {@code src[offset..]} compiled as {@code chunkid}
     * (e.g. {@code user_script:1: '=' expected near 'x'}), or null when it is well formed. {@code level}: the C call
     * depth the parser starts at (0 from the host, 1 for loadstring inside a script).
     */
    static String check(byte[] src, int offset, String chunkid, int level) {
        Lua51Syntax s = new Lua51Syntax(src, offset, chunkid, level);
        try {
            s.mainChunk();
            return null;
        } catch (SyntaxError e) {
            return e.getMessage();
        }
    }

    /**
     * The chunk as luaj can compile it: a [[...]] string or comment with "[[" inside (which luaj refuses) gets
     * level-n brackets ([=[...]=]) that change neither its text nor the line numbers. The chunk must have passed
     * {@link #check}.
     */
    static byte[] forLuaj(byte[] src, int offset) {
        Lua51Syntax s = new Lua51Syntax(src, offset, "", 0);
        try {
            s.mainChunk();
        } catch (SyntaxError e) {
            return src;
        }
        if (s.nestedBrackets.isEmpty()) {
            return src;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(src.length + 16);
        int from = 0;
        for (int[] span : s.nestedBrackets) {
            int open = span[0];
            int close = span[1];
            String eq = "=";
            while (contains(src, open + 2, close, ("]" + eq + "]").getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                eq += "=";
            }
            out.write(src, from, open - from);
            out.writeBytes(("[" + eq + "[").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(src, open + 2, close - open - 2);
            out.writeBytes(("]" + eq + "]").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            from = close + 2;
        }
        out.write(src, from, src.length - from);
        return out.toByteArray();
    }

    private static boolean contains(byte[] b, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= to; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    // ---- lexer (llex.c) ----

    private void next() {
        current = p < src.length ? src[p++] & 0xff : EOZ;
    }

    private void save(int c) {
        buff.append((char) (c & 0xff));
    }

    private void saveAndNext() {
        save(current);
        next();
    }

    private boolean currIsNewline() {
        return current == '\n' || current == '\r';
    }

    private static boolean isdigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isalpha(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isalnum(int c) {
        return isalpha(c) || isdigit(c);
    }

    private static boolean isspace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static boolean iscntrl(int c) {
        return (c >= 0 && c < 32) || c == 127;
    }

    private String token2str(int t) {
        if (t < FIRST_RESERVED) {
            return iscntrl(t) ? "char(" + t + ")" : String.valueOf((char) t);
        }
        return TOKENS[t - FIRST_RESERVED];
    }

    private String txtToken(int t) {
        if (t == TK_NAME || t == TK_STRING || t == TK_NUMBER) {
            int nul = buff.indexOf("\0");
            return nul < 0 ? buff.toString() : buff.substring(0, nul); // printed as a C string
        }
        return token2str(t);
    }

    private SyntaxError lexerror(String msg, int t) {
        String m = chunkid + ":" + linenumber + ": " + msg;
        if (t != 0) {
            m = m + " near '" + txtToken(t) + "'";
        }
        return new SyntaxError(m);
    }

    private SyntaxError syntaxerror(String msg) {
        return lexerror(msg, token);
    }

    private void inclinenumber() {
        int old = current;
        next();
        if (currIsNewline() && current != old) {
            next();
        }
        ++linenumber;
    }

    private boolean checkNext(String set) {
        if (current == EOZ || set.indexOf(current) < 0) {
            return false;
        }
        saveAndNext();
        return true;
    }

    private void readNumeral() {
        do {
            saveAndNext();
        } while (isdigit(current) || current == '.');
        if (checkNext("Ee")) {
            checkNext("+-");
        }
        while (isalnum(current) || current == '_') {
            saveAndNext();
        }
        byte[] text = new byte[buff.length()];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) buff.charAt(i);
        }
        if (LuaToNumber.str2d(text) == null) {
            throw lexerror("malformed number", TK_NUMBER);
        }
    }

    private int skipSep() {
        int count = 0;
        int s = current;
        saveAndNext();
        while (current == '=') {
            saveAndNext();
            count++;
        }
        return current == s ? count : (-count) - 1;
    }

    private void readLongString(boolean string, int sep, int open) {
        saveAndNext(); // skip 2nd '['
        if (currIsNewline()) {
            inclinenumber();
        }
        boolean nested = false;
        for (;;) {
            switch (current) {
                case EOZ:
                    throw lexerror(string ? "unfinished long string" : "unfinished long comment", TK_EOS);
                case ']': {
                    int close = p - 1;
                    if (skipSep() == sep) {
                        saveAndNext(); // skip 2nd ']'
                        if (nested) {
                            nestedBrackets.add(new int[] {open, close});
                        }
                        return;
                    }
                    break;
                }
                case '[':
                    // luaj (LUA_COMPAT_LSTR) refuses "[[" inside [[...]]; Redis's Lua takes it as text
                    nested |= sep == 0 && p < src.length && src[p] == '[';
                    if (string) {
                        saveAndNext();
                    } else {
                        next();
                    }
                    break;
                case '\n':
                case '\r':
                    save('\n');
                    inclinenumber();
                    if (!string) {
                        buff.setLength(0);
                    }
                    break;
                default:
                    if (string) {
                        saveAndNext();
                    } else {
                        next();
                    }
            }
        }
    }

    private void readString(int del) {
        saveAndNext();
        while (current != del) {
            switch (current) {
                case EOZ:
                    throw lexerror("unfinished string", TK_EOS);
                case '\n':
                case '\r':
                    throw lexerror("unfinished string", TK_STRING);
                case '\\': {
                    int c;
                    next(); // do not save the '\'
                    switch (current) {
                        case 'a' -> c = 7;
                        case 'b' -> c = '\b';
                        case 'f' -> c = '\f';
                        case 'n' -> c = '\n';
                        case 'r' -> c = '\r';
                        case 't' -> c = '\t';
                        case 'v' -> c = 11;
                        case '\n', '\r' -> {
                            save('\n');
                            inclinenumber();
                            continue;
                        }
                        case EOZ -> {
                            continue; // raises the error on the next loop
                        }
                        default -> {
                            if (!isdigit(current)) {
                                saveAndNext(); // \\, \", \' and \?
                            } else {
                                int i = 0;
                                c = 0;
                                do {
                                    c = 10 * c + (current - '0');
                                    next();
                                } while (++i < 3 && isdigit(current));
                                if (c > 255) {
                                    throw lexerror("escape sequence too large", TK_STRING);
                                }
                                save(c);
                            }
                            continue;
                        }
                    }
                    save(c);
                    next();
                    continue;
                }
                default:
                    saveAndNext();
            }
        }
        saveAndNext(); // skip the delimiter
    }

    private int llex() {
        buff.setLength(0);
        for (;;) {
            switch (current) {
                case '\n':
                case '\r':
                    inclinenumber();
                    continue;
                case '-':
                    next();
                    if (current != '-') {
                        return '-';
                    }
                    next();
                    if (current == '[') {
                        int open = p - 1;
                        int sep = skipSep();
                        buff.setLength(0);
                        if (sep >= 0) {
                            readLongString(false, sep, open);
                            buff.setLength(0);
                            continue;
                        }
                    }
                    while (!currIsNewline() && current != EOZ) {
                        next();
                    }
                    continue;
                case '[': {
                    int open = p - 1;
                    int sep = skipSep();
                    if (sep >= 0) {
                        readLongString(true, sep, open);
                        return TK_STRING;
                    } else if (sep == -1) {
                        return '[';
                    }
                    throw lexerror("invalid long string delimiter", TK_STRING);
                }
                case '=':
                    next();
                    if (current != '=') {
                        return '=';
                    }
                    next();
                    return TK_EQ;
                case '<':
                    next();
                    if (current != '=') {
                        return '<';
                    }
                    next();
                    return TK_LE;
                case '>':
                    next();
                    if (current != '=') {
                        return '>';
                    }
                    next();
                    return TK_GE;
                case '~':
                    next();
                    if (current != '=') {
                        return '~';
                    }
                    next();
                    return TK_NE;
                case '"':
                case '\'':
                    readString(current);
                    return TK_STRING;
                case '.':
                    saveAndNext();
                    if (checkNext(".")) {
                        return checkNext(".") ? TK_DOTS : TK_CONCAT;
                    } else if (!isdigit(current)) {
                        return '.';
                    }
                    readNumeral();
                    return TK_NUMBER;
                case EOZ:
                    return TK_EOS;
                default:
                    if (isspace(current)) {
                        next();
                        continue;
                    } else if (isdigit(current)) {
                        readNumeral();
                        return TK_NUMBER;
                    } else if (isalpha(current) || current == '_') {
                        do {
                            saveAndNext();
                        } while (isalnum(current) || current == '_');
                        String word = buff.toString();
                        for (int i = 0; i < NUM_RESERVED; i++) {
                            if (TOKENS[i].equals(word)) {
                                return FIRST_RESERVED + i;
                            }
                        }
                        return TK_NAME;
                    } else {
                        int c = current;
                        next();
                        return c;
                    }
            }
        }
    }

    /** luaX_next. */
    private void advance() {
        lastline = linenumber;
        if (lookahead != TK_EOS) {
            token = lookahead;
            tokenText = lookaheadText;
            lookahead = TK_EOS;
        } else {
            token = llex();
            tokenText = buff.toString();
        }
    }

    // ---- parser (lparser.c) ----

    private static final class BlockCnt {
        final BlockCnt previous;
        final int nactvar;
        final boolean isbreakable;

        BlockCnt(BlockCnt previous, int nactvar, boolean isbreakable) {
            this.previous = previous;
            this.nactvar = nactvar;
            this.isbreakable = isbreakable;
        }
    }

    private static final class FuncState {
        final FuncState prev;
        final int linedefined;
        final List<String> actvar = new ArrayList<>();
        /** Upvalues as "kind:index" of the variable in the enclosing function (indexupvalue's identity). */
        final List<String> upvalues = new ArrayList<>();
        int nactvar;
        boolean isVararg;
        BlockCnt bl;

        FuncState(FuncState prev, int linedefined) {
            this.prev = prev;
            this.linedefined = linedefined;
        }
    }

    private void errorlimit(FuncState f, int limit, String what) {
        String msg = f.linedefined == 0 ? "main function has more than " + limit + " " + what
                : "function at line " + f.linedefined + " has more than " + limit + " " + what;
        throw lexerror(msg, 0);
    }

    private void checklimit(FuncState f, int v, int l, String what) {
        if (v > l) {
            errorlimit(f, l, what);
        }
    }

    private boolean testnext(int c) {
        if (token == c) {
            advance();
            return true;
        }
        return false;
    }

    private void check(int c) {
        if (token != c) {
            throw errorExpected(c);
        }
    }

    private SyntaxError errorExpected(int t) {
        return syntaxerror("'" + token2str(t) + "' expected");
    }

    private void checknext(int c) {
        check(c);
        advance();
    }

    private void checkCondition(boolean c, String msg) {
        if (!c) {
            throw syntaxerror(msg);
        }
    }

    private void checkMatch(int what, int who, int where) {
        if (!testnext(what)) {
            if (where == linenumber) {
                throw errorExpected(what);
            }
            throw syntaxerror("'" + token2str(what) + "' expected (to close '" + token2str(who) + "' at line "
                    + where + ")");
        }
    }

    private String strCheckname() {
        check(TK_NAME);
        String n = tokenText;
        advance();
        return n;
    }

    private void newLocalvar(String name, int n) {
        checklimit(fs, fs.nactvar + n + 1, LUAI_MAXVARS, "local variables");
        int index = fs.nactvar + n;
        while (fs.actvar.size() <= index) {
            fs.actvar.add(null);
        }
        fs.actvar.set(index, name);
    }

    private void adjustlocalvars(int nvars) {
        fs.nactvar += nvars;
    }

    private void enterblock(boolean isbreakable) {
        fs.bl = new BlockCnt(fs.bl, fs.nactvar, isbreakable);
    }

    private void leaveblock() {
        fs.nactvar = fs.bl.nactvar;
        while (fs.actvar.size() > fs.nactvar) {
            fs.actvar.remove(fs.actvar.size() - 1);
        }
        fs.bl = fs.bl.previous;
    }

    private void enterlevel() {
        if (++level > LUAI_MAXCCALLS) {
            throw lexerror("chunk has too many syntax levels", 0);
        }
    }

    private void leavelevel() {
        level--;
    }

    /** singlevaraux: K_LOCAL, K_UPVAL or K_GLOBAL, counting upvalues as indexupvalue does. */
    private int[] singlevaraux(FuncState f, String n) {
        if (f == null) {
            return new int[] {K_GLOBAL, 0};
        }
        for (int i = f.nactvar - 1; i >= 0; i--) {
            if (n.equals(f.actvar.get(i))) {
                return new int[] {K_LOCAL, i};
            }
        }
        int[] outer = singlevaraux(f.prev, n);
        if (outer[0] == K_GLOBAL) {
            return outer;
        }
        String key = outer[0] + ":" + outer[1];
        int idx = f.upvalues.indexOf(key);
        if (idx < 0) {
            checklimit(f, f.upvalues.size() + 1, LUAI_MAXUPVALUES, "upvalues");
            f.upvalues.add(key);
            idx = f.upvalues.size() - 1;
        }
        return new int[] {K_UPVAL, idx};
    }

    private int singlevar() {
        String n = strCheckname();
        return singlevaraux(fs, n)[0];
    }

    private void mainChunk() {
        fs = new FuncState(null, 0);
        fs.isVararg = true;
        advance();
        chunk();
        check(TK_EOS);
    }

    private static boolean blockFollow(int t) {
        return t == TK_ELSE || t == TK_ELSEIF || t == TK_END || t == TK_UNTIL || t == TK_EOS;
    }

    private void chunk() {
        boolean islast = false;
        enterlevel();
        while (!islast && !blockFollow(token)) {
            islast = statement();
            testnext(';');
        }
        leavelevel();
    }

    private void block() {
        enterblock(false);
        chunk();
        leaveblock();
    }

    private boolean statement() {
        int line = linenumber;
        switch (token) {
            case TK_IF -> ifstat(line);
            case TK_WHILE -> whilestat(line);
            case TK_DO -> {
                advance();
                block();
                checkMatch(TK_END, TK_DO, line);
            }
            case TK_FOR -> forstat(line);
            case TK_REPEAT -> repeatstat(line);
            case TK_FUNCTION -> funcstat(line);
            case TK_LOCAL -> {
                advance();
                if (testnext(TK_FUNCTION)) {
                    localfunc();
                } else {
                    localstat();
                }
            }
            case TK_RETURN -> {
                advance();
                retstat();
                return true;
            }
            case TK_BREAK -> {
                advance();
                breakstat();
                return true;
            }
            default -> exprstat();
        }
        return false;
    }

    private void ifstat(int line) {
        testThenBlock();
        while (token == TK_ELSEIF) {
            testThenBlock();
        }
        if (token == TK_ELSE) {
            advance();
            block();
        }
        checkMatch(TK_END, TK_IF, line);
    }

    private void testThenBlock() {
        advance();
        expr();
        checknext(TK_THEN);
        block();
    }

    private void whilestat(int line) {
        advance();
        expr();
        enterblock(true);
        checknext(TK_DO);
        block();
        checkMatch(TK_END, TK_WHILE, line);
        leaveblock();
    }

    private void repeatstat(int line) {
        enterblock(true);
        enterblock(false);
        advance();
        chunk();
        checkMatch(TK_UNTIL, TK_REPEAT, line);
        expr();
        leaveblock();
        leaveblock();
    }

    private void forstat(int line) {
        enterblock(true);
        advance();
        String varname = strCheckname();
        switch (token) {
            case '=' -> fornum(varname);
            case ',', TK_IN -> forlist(varname);
            default -> throw syntaxerror("'=' or 'in' expected");
        }
        checkMatch(TK_END, TK_FOR, line);
        leaveblock();
    }

    private void fornum(String varname) {
        newLocalvar("(for index)", 0);
        newLocalvar("(for limit)", 1);
        newLocalvar("(for step)", 2);
        newLocalvar(varname, 3);
        checknext('=');
        expr();
        checknext(',');
        expr();
        if (testnext(',')) {
            expr();
        }
        forbody(1);
    }

    private void forlist(String indexname) {
        int nvars = 0;
        newLocalvar("(for generator)", nvars++);
        newLocalvar("(for state)", nvars++);
        newLocalvar("(for control)", nvars++);
        newLocalvar(indexname, nvars++);
        while (testnext(',')) {
            newLocalvar(strCheckname(), nvars++);
        }
        checknext(TK_IN);
        explist1();
        forbody(nvars - 3);
    }

    private void forbody(int nvars) {
        adjustlocalvars(3);
        checknext(TK_DO);
        enterblock(false);
        adjustlocalvars(nvars);
        block();
        leaveblock();
    }

    private void funcstat(int line) {
        advance();
        boolean needself = funcname();
        body(needself, line);
    }

    private boolean funcname() {
        singlevar();
        boolean needself = false;
        while (token == '.') {
            field();
        }
        if (token == ':') {
            needself = true;
            field();
        }
        return needself;
    }

    private void field() {
        advance();
        strCheckname();
    }

    private void localfunc() {
        newLocalvar(strCheckname(), 0);
        adjustlocalvars(1);
        body(false, linenumber);
    }

    private void localstat() {
        int nvars = 0;
        do {
            newLocalvar(strCheckname(), nvars++);
        } while (testnext(','));
        if (testnext('=')) {
            explist1();
        }
        adjustlocalvars(nvars);
    }

    private void retstat() {
        if (!blockFollow(token) && token != ';') {
            explist1();
        }
    }

    private void breakstat() {
        BlockCnt bl = fs.bl;
        while (bl != null && !bl.isbreakable) {
            bl = bl.previous;
        }
        if (bl == null) {
            throw syntaxerror("no loop to break");
        }
    }

    private void exprstat() {
        int kind = primaryexp();
        if (kind != K_CALL) {
            assignment(kind, 1);
        }
    }

    private void assignment(int kind, int nvars) {
        checkCondition(kind >= K_LOCAL && kind <= K_INDEXED, "syntax error");
        if (testnext(',')) {
            int next = primaryexp();
            checklimit(fs, nvars, LUAI_MAXCCALLS - level, "variables in assignment");
            assignment(next, nvars + 1);
        } else {
            checknext('=');
            explist1();
        }
    }

    private void body(boolean needself, int line) {
        FuncState nfs = new FuncState(fs, line);
        fs = nfs;
        checknext('(');
        if (needself) {
            newLocalvar("self", 0);
            adjustlocalvars(1);
        }
        parlist();
        checknext(')');
        chunk();
        checkMatch(TK_END, TK_FUNCTION, line);
        fs = nfs.prev;
    }

    private void parlist() {
        int nparams = 0;
        if (token != ')') {
            do {
                switch (token) {
                    case TK_NAME -> newLocalvar(strCheckname(), nparams++);
                    case TK_DOTS -> {
                        advance();
                        newLocalvar("arg", nparams++); // LUA_COMPAT_VARARG
                        fs.isVararg = true;
                    }
                    default -> throw syntaxerror("<name> or '...' expected");
                }
            } while (!fs.isVararg && testnext(','));
        }
        adjustlocalvars(nparams);
    }

    private int explist1() {
        int n = 1;
        expr();
        while (testnext(',')) {
            expr();
            n++;
        }
        return n;
    }

    private int prefixexp() {
        switch (token) {
            case '(': {
                int line = linenumber;
                advance();
                expr();
                checkMatch(')', '(', line);
                return K_OTHER;
            }
            case TK_NAME:
                return singlevar();
            default:
                throw syntaxerror("unexpected symbol");
        }
    }

    private int primaryexp() {
        int kind = prefixexp();
        for (;;) {
            switch (token) {
                case '.' -> {
                    field();
                    kind = K_INDEXED;
                }
                case '[' -> {
                    yindex();
                    kind = K_INDEXED;
                }
                case ':' -> {
                    advance();
                    strCheckname();
                    funcargs();
                    kind = K_CALL;
                }
                case '(', TK_STRING, '{' -> {
                    funcargs();
                    kind = K_CALL;
                }
                default -> {
                    return kind;
                }
            }
        }
    }

    private void yindex() {
        advance();
        expr();
        checknext(']');
    }

    private void funcargs() {
        int line = linenumber;
        switch (token) {
            case '(' -> {
                if (line != lastline) {
                    throw syntaxerror("ambiguous syntax (function call x new statement)");
                }
                advance();
                if (token != ')') {
                    explist1();
                }
                checkMatch(')', '(', line);
            }
            case '{' -> constructor();
            case TK_STRING -> advance();
            default -> throw syntaxerror("function arguments expected");
        }
    }

    private void constructor() {
        int line = linenumber;
        checknext('{');
        do {
            if (token == '}') {
                break;
            }
            switch (token) {
                case TK_NAME -> {
                    // luaX_lookahead: the lexer reads on (into its buffer) to tell "name = value" from a value
                    lookahead = llex();
                    lookaheadText = buff.toString();
                    if (lookahead != '=') {
                        expr();
                    } else {
                        recfield();
                    }
                }
                case '[' -> recfield();
                default -> expr();
            }
        } while (testnext(',') || testnext(';'));
        checkMatch('}', '{', line);
    }

    private void recfield() {
        if (token == TK_NAME) {
            strCheckname();
        } else {
            yindex();
        }
        checknext('=');
        expr();
    }

    private void simpleexp() {
        switch (token) {
            case TK_NUMBER, TK_STRING, TK_NIL, TK_TRUE, TK_FALSE -> advance();
            case TK_DOTS -> {
                checkCondition(fs.isVararg, "cannot use '...' outside a vararg function");
                advance();
            }
            case '{' -> constructor();
            case TK_FUNCTION -> {
                advance();
                body(false, linenumber);
            }
            default -> primaryexp();
        }
    }

    private static boolean isUnop(int t) {
        return t == TK_NOT || t == '-' || t == '#';
    }

    /** getbinopr: the operator's index in {@link #PRIORITY}, or -1. */
    private static int binop(int t) {
        return switch (t) {
            case '+' -> 0;
            case '-' -> 1;
            case '*' -> 2;
            case '/' -> 3;
            case '%' -> 4;
            case '^' -> 5;
            case TK_CONCAT -> 6;
            case TK_NE -> 7;
            case TK_EQ -> 8;
            case '<' -> 9;
            case TK_LE -> 10;
            case '>' -> 11;
            case TK_GE -> 12;
            case TK_AND -> 13;
            case TK_OR -> 14;
            default -> -1;
        };
    }

    private int subexpr(int limit) {
        enterlevel();
        if (isUnop(token)) {
            advance();
            subexpr(UNARY_PRIORITY);
        } else {
            simpleexp();
        }
        int op = binop(token);
        while (op >= 0 && PRIORITY[op][0] > limit) {
            advance();
            op = subexpr(PRIORITY[op][1]);
        }
        leavelevel();
        return op;
    }

    private void expr() {
        subexpr(0);
    }
}
