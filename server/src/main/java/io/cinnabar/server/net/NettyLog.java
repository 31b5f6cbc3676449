package io.cinnabar.server.net;

import io.netty.util.internal.logging.AbstractInternalLogger;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * The logging of Cinnabar's own copy of Netty: warnings and errors (a leak report, a failed promise) go to
 * standard error, the rest nowhere. Netty would otherwise pick the project's SLF4J or Log4J, where its debug lines
 * would appear under Cinnabar's relocated names, or set up java.util.logging, which costs a cold start tens of
 * milliseconds. Installed before Netty creates its first logger; in the published jar it only reaches the
 * relocated copy.
 */
final class NettyLog extends InternalLoggerFactory {
    static void install() {
        InternalLoggerFactory.setDefaultFactory(new NettyLog());
    }

    @Override
    protected InternalLogger newInstance(String name) {
        return new Logger(name);
    }

    private static final class Logger extends AbstractInternalLogger {
        private static final long serialVersionUID = 1L;

        Logger(String name) {
            super(name);
        }

        /** Netty's "{}" placeholders filled in order; a trailing Throwable is printed with its stack. */
        private void emit(String level, String format, Object... args) {
            StringBuilder line = new StringBuilder("cinnabar: netty ").append(level).append(' ').append(name())
                    .append(": ");
            int from = 0;
            int used = 0;
            for (int at = format.indexOf("{}"); at >= 0 && used < args.length; at = format.indexOf("{}", from)) {
                line.append(format, from, at).append(args[used++]);
                from = at + 2;
            }
            line.append(format, from, format.length());
            System.err.println(line);
            if (args.length > 0 && args[args.length - 1] instanceof Throwable t) {
                t.printStackTrace();
            }
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public void trace(String msg) {
        }

        @Override
        public void trace(String format, Object arg) {
        }

        @Override
        public void trace(String format, Object argA, Object argB) {
        }

        @Override
        public void trace(String format, Object... arguments) {
        }

        @Override
        public void trace(String msg, Throwable t) {
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public void debug(String msg) {
        }

        @Override
        public void debug(String format, Object arg) {
        }

        @Override
        public void debug(String format, Object argA, Object argB) {
        }

        @Override
        public void debug(String format, Object... arguments) {
        }

        @Override
        public void debug(String msg, Throwable t) {
        }

        @Override
        public boolean isInfoEnabled() {
            return false;
        }

        @Override
        public void info(String msg) {
        }

        @Override
        public void info(String format, Object arg) {
        }

        @Override
        public void info(String format, Object argA, Object argB) {
        }

        @Override
        public void info(String format, Object... arguments) {
        }

        @Override
        public void info(String msg, Throwable t) {
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public void warn(String msg) {
            emit("WARN", msg);
        }

        @Override
        public void warn(String format, Object arg) {
            emit("WARN", format, arg);
        }

        @Override
        public void warn(String format, Object argA, Object argB) {
            emit("WARN", format, argA, argB);
        }

        @Override
        public void warn(String format, Object... arguments) {
            emit("WARN", format, arguments);
        }

        @Override
        public void warn(String msg, Throwable t) {
            emit("WARN", msg, t);
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public void error(String msg) {
            emit("ERROR", msg);
        }

        @Override
        public void error(String format, Object arg) {
            emit("ERROR", format, arg);
        }

        @Override
        public void error(String format, Object argA, Object argB) {
            emit("ERROR", format, argA, argB);
        }

        @Override
        public void error(String format, Object... arguments) {
            emit("ERROR", format, arguments);
        }

        @Override
        public void error(String msg, Throwable t) {
            emit("ERROR", msg, t);
        }
    }
}
