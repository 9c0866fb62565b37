package io.swrap.smb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * {@code log file}: each record appended as one line ({@link LogFormat}); once the file reaches {@code max log
 * size} it becomes {@code <file>.old} (replacing an older one) and a new file is started, as Samba rotates.
 */
final class LogFileHandler extends Handler {
    private final Path file;
    private final long maxBytes;
    private FileChannel out;

    /** @param maxBytes 0 for no limit */
    LogFileHandler(Path file, long maxBytes) throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.out = open();
        setFormatter(new LogFormat());
    }

    private FileChannel open() throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IOException("log file " + file + " cannot be opened for appending (" + e
                    + "): create its directory or fix 'log file ='", e);
        }
    }

    @Override
    public synchronized void publish(LogRecord r) {
        if (!isLoggable(r) || out == null) {
            return;
        }
        try {
            if (maxBytes > 0 && out.size() >= maxBytes) {
                out.close();
                Files.move(file, file.resolveSibling(file.getFileName() + ".old"), StandardCopyOption.REPLACE_EXISTING);
                out = open();
            }
            ByteBuffer b = ByteBuffer.wrap(getFormatter().format(r).getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                out.write(b);
            }
        } catch (IOException e) {
            reportError("log file " + file + ": " + e.getMessage(), e, ErrorManager.WRITE_FAILURE);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public synchronized void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            reportError("log file " + file + ": " + e.getMessage(), e, ErrorManager.CLOSE_FAILURE);
        }
        out = null;
    }
}
