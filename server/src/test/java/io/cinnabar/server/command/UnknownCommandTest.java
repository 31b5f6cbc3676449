package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.server.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Unknown command and subcommand errors echo the arguments' bytes as Redis 7.0.15's printf does. */
class UnknownCommandTest extends ServerTest {
    private String send(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return new String(client.callBytes(argv), StandardCharsets.ISO_8859_1);
    }

    @Test
    void argumentsAreCStringsWithTheirOwnBytes() {
        assertEquals("-ERR unknown command 'nosuch', with args beginning with: 'a  b' '\u00ff\u00fe' \r\n",
                send("nosuch", "a\r\nb", "\u00ff\u00fe"));
        assertEquals("-ERR unknown command 'nosuch', with args beginning with: 'k' '{x}' \r\n",
                send("nosuch", "k\u0000", "{x}"));
        assertEquals("-ERR unknown command 'no', with args beginning with: 'x' \r\n", send("no\u0000such", "x"));
        assertEquals("-ERR unknown subcommand 'n'. Try CLIENT HELP.\r\n", send("client", "n\u0000ope"));
        assertEquals("-ERR unknown subcommand '\u00e9'. Try OBJECT HELP.\r\n", send("oBjEcT", "\u00e9"));
    }

    @Test
    void argumentsAreShownWhileUnder128Bytes() {
        assertEquals("-ERR unknown command '" + "x".repeat(128) + "', with args beginning with: '" + "y".repeat(128)
                + "' \r\n", send("x".repeat(200), "y".repeat(200)));
        assertEquals("-ERR unknown command 'x', with args beginning with: '" + "y".repeat(100) + "' '" + "z".repeat(25)
                + "' \r\n", send("x", "y".repeat(100), "z".repeat(100), "w"));
    }
}
